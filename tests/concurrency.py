"""Run one function in many threads at the same moment (each thread has its own database connection)."""

import threading

from django.db import OperationalError, connection


def _retrying_when_locked(function):
    """SQLite's in-memory test database answers « table is locked » at once where a file database waits
    (busy_timeout): retry, as the file database would. Each attempt is one transaction, all or nothing."""
    while True:
        try:
            return function()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise


def at_once(function, times: int = 20) -> tuple[list, list[Exception]]:
    barrier = threading.Barrier(times)
    results, errors = [], []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            outcome = _retrying_when_locked(function)
            with lock:
                results.append(outcome)
        except Exception as error:  # collected for the test to assert on
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
