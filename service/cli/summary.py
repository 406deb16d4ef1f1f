"""The list of commands in `profiles --help`: every command, sub-commands included, one
line each, read off the parser itself (so a new command is listed once it is added)."""

import argparse
from collections.abc import Iterator


def commands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str]]:
    """Each command that runs something (`serve`, `migrate up`, ...) and its one-line
    help, in the parser's order."""
    yield from _commands(parser, ())


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...]
) -> Iterator[tuple[str, str]]:
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        for name, sub in action.choices.items():
            nested = list(_commands(sub, (*prefix, name)))
            yield from nested or [(" ".join((*prefix, name)), helps[name])]


def command_summary(parser: argparse.ArgumentParser) -> str:
    """`commands:` and one line per command, aligned, for the top-level help."""
    rows = list(commands(parser))
    width = max(len(name) for name, _ in rows)
    lines = [f"  {name:<{width}}  {text}" for name, text in rows]
    return "\n".join(["commands:", *lines])
