"""Stored shapes and the pure rules on them, no I/O: the Beanie documents (one module
per collection), the collection list, the vocabulary, the clock, what every write
derives (`derived`) and the legacy user record in code (`legacy`)."""

from documents.choreographer import Choreographer
from documents.dancer import Dancer
from documents.project import Project
from documents.training import Training
from documents.user import User

ALL_DOCUMENTS = [User, Dancer, Choreographer, Project, Training]

__all__ = ["ALL_DOCUMENTS", "Choreographer", "Dancer", "Project", "Training", "User"]
