"""Permission matrix rows of the console and of Django's admin site."""

from phieukin.testing.matrix import LOGIN, SIGNED_IN, rows

ROWS = [
    # Every signed-in user has a dashboard; what it lists is scoped by the selectors.
    *rows("console:dashboard", SIGNED_IN),
    # The admin site answers its own sign-in page (302) to anyone but staff.
    *rows("admin:index", {"superuser"}, refused=302, anonymous=302),
    # The admin's own sign-in page sends everyone to the product's (second factor there).
    *rows("/admin/login/", set(), refused=LOGIN, anonymous=LOGIN),
]
