"""Beanie documents of the profiles service, one module per collection."""

from documents.choreographer import Choreographer
from documents.dancer import Dancer
from documents.project import Project
from documents.training import Training
from documents.user import User

ALL_DOCUMENTS = [User, Dancer, Choreographer, Project, Training]

__all__ = ["ALL_DOCUMENTS", "Choreographer", "Dancer", "Project", "Training", "User"]
