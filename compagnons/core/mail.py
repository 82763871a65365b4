"""Development e-mail: one .eml file per message in var/mail/, and a readable copy on the console."""

import sys
import threading
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class DevelopmentEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, *, file_path: str, stream=None, **kwargs):
        super().__init__(**kwargs)
        self.fail_silently = fail_silently
        self.file_path = Path(file_path)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages) -> int:
        sent = 0
        with self._lock:
            self.file_path.mkdir(parents=True, exist_ok=True)
            for message in email_messages:
                data = message.message().as_bytes()
                name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
                (self.file_path / name).write_bytes(data)
                body = message.body if isinstance(message.body, str) else ""
                header = f"--- E-mail → {', '.join(message.to)} : {message.subject}"
                self.stream.write(f"\n{header}\n{body}\n--- ({self.file_path / name})\n")
                self.stream.flush()
                sent += 1
        return sent
