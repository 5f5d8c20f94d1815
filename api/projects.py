"""Project filings and the regulator's decisions."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from ledger.services import projects

from .db import ledger_context
from .docs import secured
from .schemas import ProjectCreateSchema, ProjectDecisionSchema, ProjectSchema

blp = Blueprint("projects", __name__, url_prefix="/v1", description="Project filings (项目备案)")


@blp.route("/bases/<id:base_id>/projects")
class BaseProjects(MethodView):
    @blp.response(200, ProjectSchema(many=True))
    @secured(blp, 404)
    def get(self, base_id):
        """A base's filed projects"""
        return projects.list_projects(ledger_context(), g.actor, base_id)

    @blp.response(201, ProjectSchema)
    @secured(blp, 404)
    @blp.arguments(ProjectCreateSchema)
    def post(self, data, base_id):
        """File a project; the server's clock stamps submitted_at"""
        return projects.file_project(ledger_context(), g.actor, base_id,
                                     projects.NewProject(**data))


@blp.route("/projects/<id:project_id>", methods=["GET"])
@blp.response(200, ProjectSchema)
@secured(blp, 404)
def get_project(project_id):
    """One filed project"""
    return projects.project_in_reach(ledger_context(), g.actor, project_id)


@blp.route("/projects/<id:project_id>/decision", methods=["POST"])
@blp.response(200, ProjectSchema)
@secured(blp, 404, 409)
@blp.arguments(ProjectDecisionSchema)
def decide(data, project_id):
    """Accept or reject a filing; postings held for it are then decided"""
    exception = data.get("lead_time_exception")
    return projects.decide_project(
        ledger_context(), g.actor, project_id, data["decision"] == "accepted", data["note"],
        lead_time_exception=(exception["granted"], exception["reason"]) if exception else None)


@blp.route("/filings/pending", methods=["GET"])
@blp.response(200, ProjectSchema(many=True))
@secured(blp, 404)
def pending():
    """Filings awaiting a decision in the regulator's jurisdiction"""
    return projects.pending_projects(ledger_context(), g.actor)
