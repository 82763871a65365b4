"""Open ways to give back, offered on the contributions page. Higher apps register what they know
(apprentices looking for a compagnon, applications awaiting a reading…); this layer never imports them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Way:
    label: str
    url: str
    count: int


_providers: list[Callable] = []


def register(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def ways_for(user) -> list[Way]:
    ways: list[Way] = []
    for provider in _providers:
        ways.extend(provider(user))
    return [way for way in ways if way.count]
