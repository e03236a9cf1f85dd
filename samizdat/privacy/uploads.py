"""Uploads are held in memory only, so an original image never touches the disk.

Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; a seized disk
could then still hold the original photo with its GPS position. This handler keeps every
uploaded file in memory up to SAMIZDAT_IMAGE_MAX_BYTES in total per request; beyond that it
stops keeping bytes and hands on an empty file whose ``size`` tells the form it was too large.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class MemoryOnlyUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.total = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = io.BytesIO()
        self.size = 0
        self.overflow = False

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        self.total += len(raw_data)
        if self.total > settings.IMAGE_MAX_BYTES:
            self.overflow = True
            self.file = io.BytesIO()  # drop what was kept; nothing is written anywhere
        if not self.overflow:
            self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.size,  # the real size, also when the bytes were dropped
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
