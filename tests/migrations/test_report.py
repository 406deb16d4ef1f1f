"""How a run is told: the same line per script for `up` and `down`, progress per phase."""

import io

from migrations.report import JsonReport, LineReport, TerminalReport


def test_every_report_tells_a_finished_script_in_one_line() -> None:
    lines: list[str] = []
    terminal = io.StringIO()  # the terminal report prints above its live bars
    for report in (LineReport(lines.append), TerminalReport(lines.append, terminal)):
        report.run_started("up", 2)
        report.script_started(4, "profile_id_on_projects_training")
        report.phase(4, "projects", "projects", 10, 460)
        report.phase(4, "projects", "projects", 460, 460)
        report.phase(4, "training", "training", 795, 795)
        report.script_finished(4, "profile_id_on_projects_training", "applied", 120, {"linked": 3})
        report.run_finished()
    line = "0004_profile_id_on_projects_training: applied in 120 ms; linked 3"
    assert lines == [line]
    assert line in terminal.getvalue()


def test_json_phases_count_their_own_collection_at_most_every_percent() -> None:
    lines: list[str] = []
    report = JsonReport(lines.append)
    for done in range(0, 1001):
        report.phase(4, "projects", "projects", done, 1000)
    assert 100 <= len(lines) <= 102
    assert lines[-1].endswith('"done": 1000, "total": 1000}')
