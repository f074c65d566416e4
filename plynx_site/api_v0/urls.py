"""The seed's REST API under /plynx/api/v0/ (see the REST API section of the PLynx documentation)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from plynx_site.api_v0 import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("token", views.TokenView.as_view(), name="token"),
    path("search_graphs", views.SearchGraphsView.as_view(), name="search-graphs"),
    path("search_nodes", views.SearchNodesView.as_view(), name="search-nodes"),
    path("graphs", views.GraphsView.as_view(), name="graphs"),
    path("graphs/<str:graph_id>", views.GraphView.as_view(), name="graph"),
    path("graphs/<str:graph_id>/update", views.GraphUpdateView.as_view(), name="graph-update"),
    path("graphs/<str:graph_id>/nodes/<str:action>", views.GraphNodesView.as_view(), name="graph-nodes"),
    path("graphs/<str:graph_id>/<str:action>", views.GraphActionView.as_view(), name="graph-action"),
    path("nodes", views.NodesView.as_view(), name="nodes"),
    path("nodes/<str:node_id>", views.NodeView.as_view(), name="node"),
    path("master_state", views.MasterStateView.as_view(), name="master-state"),
    path("upload_file", views.UploadFileView.as_view(), name="upload-file"),
    path("resources/<str:resource_id>", views.ResourceView.as_view(), name="resource"),
]
