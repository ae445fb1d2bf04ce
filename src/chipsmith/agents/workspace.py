"""The session workspace lives in ``chipsmith.workspace`` (below tools, which use it); re-exported here."""

from chipsmith.workspace import Workspace, WorkspaceError, WorkspaceLimits

__all__ = ["Workspace", "WorkspaceError", "WorkspaceLimits"]
