"""Access rules, one module per domain; importing this package registers them all.

Add a domain's module to the import list below. Each module imports only
:func:`phieukin.accounts.access.rule` and the predicates of
:mod:`phieukin.accounts.permissions` / :mod:`phieukin.accounts.scoping`; it reads the
objects it is given by attribute (``obj.unit_id``), so no domain app is imported here.
"""

from phieukin.accounts.rules import accounts  # noqa: F401
from phieukin.accounts.rules import audit  # noqa: F401
from phieukin.accounts.rules import ballots  # noqa: F401
from phieukin.accounts.rules import criteria  # noqa: F401
from phieukin.accounts.rules import followup  # noqa: F401
from phieukin.accounts.rules import grading  # noqa: F401
from phieukin.accounts.rules import jobs  # noqa: F401
from phieukin.accounts.rules import questionnaires  # noqa: F401
from phieukin.accounts.rules import recognition  # noqa: F401
from phieukin.accounts.rules import records  # noqa: F401
from phieukin.accounts.rules import reports  # noqa: F401
from phieukin.accounts.rules import rounds  # noqa: F401
from phieukin.accounts.rules import selfcheck  # noqa: F401
from phieukin.accounts.rules import units  # noqa: F401
