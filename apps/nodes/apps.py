from django.apps import AppConfig


class NodesConfig(AppConfig):
    name = "apps.nodes"
    label = "nodes"
    verbose_name = "Operations and workflows"

    def ready(self) -> None:
        # Registers the system check of the configured hubs.
        from apps.nodes import hubs  # noqa: F401
