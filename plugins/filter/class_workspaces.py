"""Filter for a class on one server: the MLflow workspaces of mlops_class_students, as the mlflow role takes them."""

from __future__ import annotations

DOCUMENTATION = r"""
name: class_workspaces
short_description: The MLflow workspaces of a class on one server
description:
  - C(class), which every student reads and the teaching assistants manage (the instructor, MLflow's
    admin, puts the examples there); one workspace per team, or per student without a team, which its
    members use and the assistants manage; and C(default), where the lab's own logins keep working
    (the shared JupyterLab's login uses it, the model servers' login reads it).
  - Returns C(mlflow_workspaces) entries (name, description, managers, users, readers).
  - The other filters of this file - C(class_logins) gives the handouts' logins (name, password from a dict of
    them, and the workspace, the team's or the student's own), C(class_problems) what is wrong with the class's
    names (clashes), as messages for a preflight.
positional: _input
options:
  _input:
    description: The students, each C(name) and optionally C(team).
    type: list
    elements: dict
    required: true
  assistants:
    description: Logins of the teaching assistants.
    type: list
    elements: str
  lab_users:
    description: The lab's logins that use C(default).
    type: list
    elements: str
  lab_readers:
    description: The lab's logins that read C(default).
    type: list
    elements: str
"""

EXAMPLES = r"""
mlflow_workspaces: >-
  {{ mlops_class_students | mlops_vm.lab.class_workspaces(mlops_class_assistants, ['student'], ['mlflow-models']) }}
"""

RETURN = r"""
_value:
  description: The workspaces, C(default) and C(class) first, then the students' in the order listed.
  type: list
  elements: dict
"""


def class_workspaces(students, assistants=(), lab_users=(), lab_readers=()) -> list[dict]:
    names = [student["name"] for student in students]
    assistants = sorted(assistants)
    workspaces = [
        {"name": "default", "users": sorted(lab_users), "readers": sorted(lab_readers)},
        {
            "name": "class",
            "description": "The class's examples: every student reads them.",
            "managers": assistants,
            "readers": sorted(names),
        },
    ]
    own: dict[str, list[str]] = {}
    for student in students:
        own.setdefault(student.get("team") or student["name"], []).append(student["name"])
    for name, members in own.items():
        teams = any(student.get("team") == name for student in students)
        workspaces.append(
            {
                "name": name,
                "description": f"Team {name}: {', '.join(members)}." if teams else f"{name}'s workspace.",
                "managers": assistants,
                "users": sorted(members),
                "readers": [],
            }
        )
    return workspaces


def class_problems(students, assistants=(), lab_logins=()) -> list[str]:
    """What is wrong with a class's names (their format is checked as kinds): each login once and
    none of the lab's own; no student or team workspace named like the lab's or like another's."""
    problems = []
    names = [student["name"] for student in students]
    logins = names + list(assistants)
    repeated = sorted({login for login in logins if logins.count(login) > 1} | (set(logins) & set(lab_logins)))
    if repeated:
        problems.append(
            "mlops_class_students and mlops_class_assistants need logins of their own, each once and none of the"
            f" lab's ({', '.join(lab_logins)}); repeated or taken: {', '.join(repeated)}"
        )
    teams = {student.get("team") for student in students} - {None, ""}
    alone = {student["name"] for student in students if not student.get("team")}
    taken = sorted((teams | alone) & {"class", "default"} | (teams & alone))
    if taken:
        problems.append(
            "mlops_class_students: each team and each student without a team gets a workspace of that name, and class"
            f" and default are the lab's; these clash: {', '.join(taken)} (rename the team or the student)"
        )
    return problems


def class_logins(students, assistants, passwords) -> list[dict]:
    """The handouts' logins: each student's and assistant's name, password and workspace (their
    team's or their own; '' for an assistant, who manages them all)."""
    logins = [(student["name"], student.get("team") or student["name"]) for student in students]
    logins += [(assistant, "") for assistant in assistants]
    return [
        {"mlflow_user": name, "mlflow_password": passwords[name], "workspace": workspace} for name, workspace in logins
    ]


class FilterModule:
    def filters(self):
        return {
            "class_workspaces": class_workspaces,
            "class_problems": class_problems,
            "class_logins": class_logins,
        }
