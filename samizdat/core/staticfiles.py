"""Static files with content-hashed names, for year-long caching by nginx and whitenoise."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    """Hashed, pre-compressed names once ``collectstatic`` (``samizdat init``) has run.

    Before that (``init --no-static``, a checkout) a page still renders: a file missing from
    the manifest keeps its plain name, which whitenoise serves from the app directories.
    """

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected yet
            return name
