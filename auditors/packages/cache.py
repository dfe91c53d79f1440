"""What a worker process keeps open per package (its files, its server), least recently used
closed first past a size; made outside the lock (unpacking a backup takes time), once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar


class Closable(Protocol):
    def close(self) -> None: ...


K = TypeVar("K", bound=Hashable)
T = TypeVar("T", bound=Closable)


class ClosingCache(Generic[K, T]):
    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._open: OrderedDict[K, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._open:
                self._open.move_to_end(key)
                return self._open[key]
        made = make()
        with self._lock:
            if key in self._open:              # another thread made it meanwhile
                extra, value = made, self._open[key]
                evicted: list[T] = [extra]
            else:
                value = self._open[key] = made
                evicted = []
                while len(self._open) > self.size:
                    evicted.append(self._open.popitem(last=False)[1])
        for old in evicted:
            old.close()
        return value

    def close(self, key: K) -> None:
        with self._lock:
            value = self._open.pop(key, None)
        if value is not None:
            value.close()

    def close_all(self) -> None:
        with self._lock:
            values, self._open = list(self._open.values()), OrderedDict()
        for value in values:
            value.close()
