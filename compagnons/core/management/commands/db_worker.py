"""django-tasks-db's `db_worker`, with our SafeWorker (heartbeat, reclaim of abandoned tasks, retries with backoff).

Found before the library's command because `compagnons.core` comes first in INSTALLED_APPS: `make run`, systemd
units and docs keep calling `manage.py db_worker` with the library's options."""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from compagnons.core.worker import SafeWorker


class Command(db_worker.Command):
    help = "Run the task worker (heartbeat for /sante/, reclaim of abandoned tasks, retries with backoff)."

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, **options):  # fmt: skip
        self.configure_logging(verbosity)
        reload = reload and not batch
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SafeWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
            heartbeat=not batch,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
