"""Projects: an area, its need files, settings, chosen site and route options, kept in the
plans database so a reload, a second tab or tomorrow's visit finds the work as it was."""

from ecoplan.projects.model import FileRef, Project
from ecoplan.projects.store import ProjectConflictError, ProjectNotFoundError, ProjectStore

__all__ = ["FileRef", "Project", "ProjectConflictError", "ProjectNotFoundError", "ProjectStore"]
