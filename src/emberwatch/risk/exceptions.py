from emberwatch.core.errors import Conflict, NotFound


class ModelNotFound(NotFound):
    code = "model_not_found"


class ArtifactUnavailable(Conflict):
    """The model is registered but its artifact cannot be loaded on this server."""

    code = "artifact_unavailable"
