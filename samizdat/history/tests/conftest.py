from samizdat.authenticity.tests.conftest import (  # noqa: F401  (fixtures)
    key_dir,
    run_minisign,
    sign,
    site_key,
    stock_minisign,
)
