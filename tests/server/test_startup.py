"""A stdio server's background work waits for its first answers (server/startup.py)."""

import threading

from docshelf.server import startup
from docshelf.server.startup import DeferredStart

WAIT_S = 30  # bound on every wait; the starts below come in well under a second


def counting() -> tuple[DeferredStart, list[str]]:
    runs: list[str] = []
    return DeferredStart(lambda: runs.append(threading.current_thread().name)), runs


def test_the_first_tools_list_starts_the_work_in_a_thread_of_its_own():
    starter, runs = counting()
    starter.tools_listed()
    assert starter.wait(WAIT_S)
    assert runs == ["docshelf-start"]


def test_a_first_message_alone_does_not_start_the_work_at_once(monkeypatch):
    monkeypatch.setattr(startup, "IDLE_SECONDS", 600.0)
    starter, runs = counting()
    starter.first_message()
    assert not starter.ran and runs == []
    starter.tools_listed()  # the earlier deadline wins
    assert starter.wait(WAIT_S)
    assert runs == ["docshelf-start"]


def test_a_client_that_never_lists_the_tools_still_gets_the_work_started(monkeypatch):
    monkeypatch.setattr(startup, "IDLE_SECONDS", 0.0)
    starter, runs = counting()
    starter.first_message()
    assert starter.wait(WAIT_S)
    assert len(runs) == 1


def test_the_work_starts_once_however_often_it_is_told():
    starter, runs = counting()
    for _ in range(3):
        starter.tools_listed()
        starter.first_message()
    assert starter.wait(WAIT_S)
    starter.soon(0.0)  # after the start: nothing more is scheduled
    assert runs == ["docshelf-start"]


def test_a_server_that_stops_first_never_starts_the_work(monkeypatch):
    monkeypatch.setattr(startup, "IDLE_SECONDS", 600.0)
    starter, runs = counting()
    starter.first_message()
    starter.cancel()
    starter.soon(0.0)
    assert not starter.wait(0.0)
    assert runs == []


def test_the_first_message_runs_its_own_work_at_once_and_only_once(monkeypatch):
    monkeypatch.setattr(startup, "IDLE_SECONDS", 600.0)
    firsts: list[int] = []
    starter = DeferredStart(lambda: None, lambda: firsts.append(1))
    starter.first_message()
    starter.first_message()
    assert firsts == [1] and not starter.ran
    starter.cancel()
