"""Reading an uploaded file (a handover package, a pupil import) without ever holding more than its
size limit.

Django's own upload handlers keep a large file on disk and let the view read it whole; this one
keeps at most `limit` bytes of the one expected file field in memory, counted over every file in
the request, and skips the rest as it streams by. The view then says the file is too large.
"""

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

# The form around the file (the CSRF token, the multipart boundaries and headers) is small.
FORM_ROOM = 16 * 1024


class CappedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest, *, field: str, limit: int) -> None:
        super().__init__(request)
        self.field = field
        self.limit = limit
        self.received = 0
        self.too_large = False
        self.buffer = io.BytesIO()

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        # A request that announces more than a package and its form cannot hold one: skip its file unread.
        if content_length > self.limit + FORM_ROOM:
            self.too_large = True

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        if self.too_large or field_name != self.field:
            raise SkipFile
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            self.buffer = io.BytesIO()
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
