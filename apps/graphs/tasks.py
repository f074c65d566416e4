"""Celery tasks of the control plane."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from apps.graphs.services import runs_sweep


@shared_task(name="plynx.sweep_runs", ignore_result=True)
def sweep_runs() -> dict[str, int]:
    """Re-send lost nodes, settle idle runs, drop silent workers (see ``runs_sweep``).

    Safe to run twice, even at once: every transition is conditional and made under the run's lock.
    """
    return asdict(runs_sweep())
