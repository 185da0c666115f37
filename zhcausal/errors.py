"""The one error family shown to the user as a single line (no traceback).

Every failure caused by the user's input or set-up derives from :class:`ZhcausalError`; the
command line catches that one class, prints ``zhcausal CMD: error: MESSAGE`` and exits with
status 2. Library users can catch it the same way.
"""


class ZhcausalError(Exception):
    """Base class of every user-facing zhcausal error."""


class UserError(ZhcausalError):
    """Bad arguments, set-up or model directory."""


class ModelLoadError(ZhcausalError):
    """A model or encoder that cannot be loaded (wrong directory, weights that do not fit)."""


class EvaluationError(ZhcausalError):
    """Predictions and gold records that cannot be scored together."""
