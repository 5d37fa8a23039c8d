"""A small OpenAI-compatible chat-completions server, for recording cassettes and for the bench.

Standard library only: ``ThreadingHTTPServer`` bound to 127.0.0.1 on a free port. It serves
``POST /v1/chat/completions`` with the structured answers jobzone's drafting stages ask for,
written here by hand (they are canned and fictional: no model is involved). It speaks the three
structured-output modes jobzone uses: ``json_schema`` (the stage comes from the schema's name),
``tools`` (from the forced function's name) and ``json_object`` (from the schema named in the
system message), and answers as a stream of server-sent events when asked to (with a usage chunk
when ``stream_options.include_usage`` is set), as one JSON body otherwise. A request is a repair
when its last message is a user message that follows an assistant message.

A *scenario* scripts what goes wrong: per stage, a list of faults served in order (``429`` with
``retry-after: 1``, ``500``, ``400``, a refusal, an answer cut off by the token limit, or a 200
whose body is no chat completion: an HTML page, JSON cut short, JSON without ``choices``), then
normal answers; whether the tasks stage answers with shares summing to 95 (once, or every time); and
whether the commentary stage types a wrong figure and names a role outside the canonical set (on a
first attempt only, or every time); and which structured-output modes the server offers (the
others are refused with HTTP 500 as llama.cpp and llama-cpp-python's servers refuse them).
``latency_ms`` delays every answer, for the bench.

    python -m tests.fake_openai --scenario clean --latency 200      # prints the base URL

It is never started by a normal ``pytest`` run: only by ``--record-mode=rewrite`` recordings
(see tests/cassettes/README.md) and by bench/draft_bench.py.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import email.parser
import email.policy
import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: The structured-output schema names the openai SDK sends, by drafting stage.
STAGE_BY_SCHEMA = {
    "RoleAnswer": "role",
    "TasksAnswer": "tasks",
    "ProfileAnswer": "profile",
    "CommentaryAnswer": "commentary",
}
#: Faults a scenario may script for a stage, served one per request before normal answers.
FAULTS = ("429", "500", "400", "refusal", "length", "html", "cut-json", "no-choices")
#: Bodies served with status 200 that are not chat completions.
MALFORMED_BODIES = {
    "html": ("text/html", "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"),
    "cut-json": ("application/json", '{"id": "chatcmpl-fake", "object": "chat.comp'),
    "no-choices": ("application/json", '{"id": "chatcmpl-fake", "object": "chat.completion"}'),
}
FIXED_CREATED = 1_795_219_200  # 2026-11-21, so re-recorded cassettes differ only where it matters
#: The structured-output modes, and how a server that lacks one says so (llama-cpp-python's
#: server answers an unknown response_format with its traceback; llama.cpp's refuses tools
#: unless started with --jinja).
MODES = ("json_schema", "tools", "json_object")
MODE_REFUSALS = {
    "json_schema": (
        "Traceback (most recent call last):\n"
        '  File "llama_cpp/server/app.py", line 513, in create_chat_completion\n'
        "    response_format = body.response_format\n"
        "ValueError: response_format type 'json_schema' is not supported"
    ),
    "tools": "tools param requires --jinja flag",
}
#: Characters per streamed piece: small enough to stream, large enough to keep cassettes short.
PIECE_CHARS = 400
_SCHEMA_NAMED = re.compile(r"JSON Schema \((\w+)\)")


@dataclass(frozen=True)
class Scenario:
    """What the server does: faults per stage (in order), and how the tasks stage answers."""

    name: str
    faults: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: "ok": shares sum to 100; "first-95": 95 on a first attempt, 100 on a repair;
    #: "always-95": 95 every time.
    tasks_sum: str = "ok"
    #: "ok": clean commentary; "first-wrong": a wrong literal AIJRI and a role outside the set on a
    #: first attempt, clean on a repair; "always-wrong": wrong every time.
    commentary: str = "ok"
    #: The structured-output modes the server offers; the others are refused.
    modes: tuple[str, ...] = MODES
    #: Only titles matching this pattern get the tasks and commentary faults above (all when
    #: None): a set of many titles with some failing validation.
    faulty_titles: str | None = None
    #: Batches: retrieves answered ``in_progress`` before a batch ends.
    batch_polls: int = 1
    #: Batches: per stage, how many of its requests fail (HTTP 500, in the error file) the
    #: first time they are run.
    batch_failures: Mapping[str, int] = field(default_factory=dict)
    #: Batches: the first batch expires with only its first half of requests run.
    batch_expires: bool = False

    def __post_init__(self) -> None:
        assert set(self.modes) <= set(MODES), self.modes
        for stage, faults in self.faults.items():
            assert stage in STAGE_BY_SCHEMA.values(), stage
            assert all(f in FAULTS for f in faults), faults
        assert self.tasks_sum in ("ok", "first-95", "always-95"), self.tasks_sum
        assert self.commentary in ("ok", "first-wrong", "always-wrong"), self.commentary


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("clean"),
        Scenario("tasks-95-once", tasks_sum="first-95"),
        Scenario("tasks-95-always", tasks_sum="always-95"),
        Scenario("rate-limited", faults={"tasks": ("429",)}),
        Scenario("server-errors", faults={"profile": ("500", "500")}),
        Scenario("bad-request", faults={"role": ("400",)}),
        Scenario("refusal", faults={"role": ("refusal",)}),
        Scenario("truncated", faults={"role": ("length", "length")}),
        Scenario("commentary-wrong-figure-once", commentary="first-wrong"),
        Scenario("commentary-wrong-figure-always", commentary="always-wrong"),
        Scenario("html-page", faults={"role": ("html",)}),
        Scenario("cut-json", faults={"role": ("cut-json",)}),
        Scenario("no-choices", faults={"role": ("no-choices",)}),
        Scenario("json-mode-only", modes=("json_object",)),
        Scenario("batch-some-repairs", tasks_sum="first-95", faulty_titles=r"Nurse|Clerk|Analyst"),
        Scenario(
            "batch-failures-and-expiry",
            batch_polls=2,
            batch_failures={"profile": 2},
            batch_expires=True,
        ),
        Scenario("batch-slow", batch_polls=3),
    )
}


# -- canned answers -------------------------------------------------------------------------------
# Fictional answers written for these tests. Commentary never holds a digit: every figure is a
# reference the renderer fills in. Sources are placeholders (example.org and example.com
# addresses), dated within a year of 2026-11-21.


def _src(title: str, date: str, url: str | None = None) -> dict[str, Any]:
    return {"title": title, "url": url, "date": date}


def _scored(score: int, rationale: str) -> dict[str, Any]:
    return {"score": score, "rationale": rationale}


def _evidence(score: int, text: str, *sources: dict[str, Any]) -> dict[str, Any]:
    return {"score": score, "text": text, "sources": list(sources)}


def _task(name: str, pct: int, score: int, impact: str, rationale: str) -> dict[str, Any]:
    return {
        "name": name,
        "time_pct": pct,
        "score": score,
        "impact": impact,
        "rationale": rationale,
        "onet_tasks": [],
    }


SRE: dict[str, dict[str, Any]] = {
    "role": {
        "is_job_title": True,
        "not_a_title_reason": "",
        "title": "Site Reliability Engineer",
        "seniority": "Mid-level",
        "primary_function": (
            "Keeps production services available, fast and affordable by treating operations as "
            "a software problem: sets service-level objectives, builds monitoring and alerting, "
            "automates releases and repetitive fixes, and leads the response when systems fail. "
            "Works daily with Kubernetes, Terraform, Prometheus, Grafana, a cloud console and an "
            "incident-management tool."
        ),
        "not_this_role": (
            "Not a system administrator, who looks after machines largely by hand. Not a platform "
            "engineer, whose product is the internal developer platform itself. Not a release "
            "engineer who owns build pipelines. This role owns how a service behaves in "
            "production and the error budget that decides how fast it may change."
        ),
        "typical_experience": (
            "Three to seven years, usually from backend development or operations, with solid "
            "Linux and networking, Python or Go, infrastructure as code and a place on an "
            "on-call rota."
        ),
        "seniority_note": (
            "Juniors who mostly work alert queues and follow runbooks are more exposed, since "
            "those steps are what operations agents take over first. Staff engineers who set "
            "reliability strategy and design for failure across many services are much safer."
        ),
        "aliases": ["SRE", "Reliability Engineer", "Production Engineer"],
        "tags": ["technology", "infrastructure", "operations"],
        "occupation": None,
    },
    "tasks": {
        "tasks": [
            _task(
                "Incident response & on-call",
                20,
                2,
                "augmentation",
                "Assistants summarise alerts and suggest likely causes, but deciding what to do "
                "while a service is down, and owning the call, stays with the engineer.",
            ),
            _task(
                "Service-level objectives & error budgets",
                15,
                2,
                "augmentation",
                "Tools compute burn rates and draft dashboards; choosing targets that match what "
                "users need is a negotiation with product owners.",
            ),
            _task(
                "Observability, monitoring & alert tuning",
                15,
                3,
                "augmentation",
                "AIOps products group noisy alerts and flag anomalies on their own; an engineer "
                "still decides what is worth watching and what should wake someone up.",
            ),
            _task(
                "Infrastructure as code & provisioning",
                15,
                4,
                "displacement",
                "Coding agents now write and update most Terraform and Kubernetes manifests from "
                "a description, leaving review and the odd unusual set-up to a person.",
            ),
            _task(
                "Toil automation & runbook scripting",
                10,
                4,
                "displacement",
                "Well-understood runbooks are exactly what agents can run end to end, so this "
                "scripting work is being removed rather than assisted.",
            ),
            _task(
                "Capacity planning & performance tuning",
                10,
                3,
                "augmentation",
                "Forecasting models project load and cost well; trading headroom against spend "
                "for a launch nobody has seen before needs judgement.",
            ),
            _task(
                "Postmortems & cross-team reliability reviews",
                15,
                1,
                "not_involved",
                "Blameless reviews depend on trust between teams and on agreeing what to change; "
                "AI plays no real part in them.",
            ),
        ],
        "reinstatement_new_tasks": True,
        "reinstatement_rationale": (
            "Running AI services brings new reliability work: GPU capacity, latency objectives "
            "for inference, and guard rails for the agents that now change production."
        ),
    },
    "profile": {
        "embodied_physicality": _scored(
            0,
            "The work is done remotely through terminals and dashboards; hardware is not its job.",
        ),
        "deep_interpersonal_connection": _scored(
            1,
            "Incident command and blameless reviews need trust and calm communication, but the "
            "role is valued for keeping systems up rather than for the relationships.",
        ),
        "goal_setting_moral_judgment": _scored(
            2,
            "Sets reliability targets with product owners and decides when to halt releases, "
            "making calls under pressure whose consequences land on customers.",
        ),
        "growth": _scored(
            1,
            "Every AI product is another production service with demanding latency and capacity "
            "needs, which lifts demand; agents that absorb routine operations hold it back.",
        ),
        "job_posting_trends": _evidence(
            1,
            "Openings for reliability engineers have held up better than general software roles, "
            "with AI infrastructure teams adding to them.",
            _src(
                "Example Jobs Index, technology postings report",
                "2026-09-30",
                "https://jobs-index.example.org/reports/technology-2026-09",
            ),
        ),
        "company_actions": _evidence(
            1,
            "Large cloud users keep staffing reliability teams, and some have set up teams for "
            "the reliability of model inference; recent cuts fell on general operations instead.",
            _src(
                "Example Cloud Engineering Blog, How we run operations with agents",
                "2026-06-15",
                "https://engineering.example.com/operations-agents",
            ),
        ),
        "wage_trends": _evidence(
            1,
            "Pay stays above the software engineering median, and the on-call premium has not "
            "been eroded.",
            _src(
                "Example Pay Survey, Site Reliability Engineer salaries (US)",
                "2026-10-01",
                "https://pay.example.org/site-reliability-engineer",
            ),
        ),
        "ai_tool_maturity": _evidence(
            0,
            "Incident assistants group alerts, suggest causes and draft fixes, and agents can run "
            "known runbooks; novel failures spanning many systems are still diagnosed by people.",
            _src(
                "Example Incident Tools, AI responder documentation",
                "2026-08-01",
                "https://docs.incidents.example.com/ai-responder",
            ),
        ),
        "expert_consensus": _evidence(
            1,
            "Practitioners expect the role to move toward supervising automated operations rather "
            "than to disappear, as reliability matters more for AI-heavy products.",
            _src(
                "Example Research Institute, Operations Work Survey 2026",
                "2026-05-20",
                "https://research.example.org/operations-survey-2026",
            ),
        ),
        "regulatory_licensing": _scored(0, "No licence or certification is required to do it."),
        "physical_presence": _scored(0, "Everything can be done from anywhere with a laptop."),
        "union_collective_bargaining": _scored(0, "The work is almost never unionised."),
        "liability_accountability": _scored(
            2,
            "Outages cost money and breach contracts, so organisations want a named person "
            "accountable for production changes and incident decisions.",
        ),
        "cultural_ethical": _scored(
            1,
            "Many organisations are uneasy letting an agent change production unsupervised and "
            "insist on a person approving risky actions.",
        ),
    },
    "commentary": {
        "score_vs_reality": (
            "At {{ aijri }} the role sits in {{ sub_label }}, {{ distance.green }} points from the "
            "Green threshold, and that matches how it feels: routine operating work is being "
            "automated quickly, yet someone still has to own production when it breaks. "
            "{{ share_3plus }} of task time is exposed, most of it in provisioning and scripting."
        ),
        "numbers_dont_capture": [
            "On-call duty is hard to express as a share of time, but it is where judgement under "
            "pressure matters most and where agents are trusted least.",
            "The title covers several jobs: some teams give it to platform or production "
            "engineering work, so counts of postings blur.",
            "Automation adds work as well as removing it: each agent allowed to change production "
            "is one more system to watch and one more source of incidents.",
        ],
        "who_should_worry": (
            "Engineers whose days are mostly alert triage, ticket-driven changes and runbook "
            "execution should worry, because operations agents now take those steps over. Those "
            "who design for failure, lead incidents and negotiate reliability targets should not."
        ),
        "outlook": (
            "In a few years the job looks more like reliability architecture and the supervision "
            "of automated operations: fewer people writing glue scripts, more deciding which "
            "actions an agent may take in production and proving that systems fail safely."
        ),
        "survival_strategy": [
            "Own the objectives: be the person who sets and defends service-level targets and "
            "error budgets with product owners.",
            "Learn to run and constrain operations agents, including their permissions, audit "
            "trails and ways to roll back what they do.",
            "Go deep on the reliability of AI services: accelerator capacity, inference latency "
            "and graceful degradation when a model is slow or wrong.",
        ],
        "where_to_look_next": [
            {
                "slug": "mlops-engineer",
                "reason": "Monitoring, deployment and infrastructure-as-code skills carry over "
                "directly to running models in production ({{ role:mlops-engineer }}).",
            }
        ],
        "timeline": (
            "Routine alert handling and runbook work moves to agents over the next few years; the "
            "need for engineers who answer for production lasts well beyond that."
        ),
    },
}

HYGIENIST: dict[str, dict[str, Any]] = {
    "role": {
        "is_job_title": True,
        "not_a_title_reason": "",
        "title": "Dental Hygienist",
        "seniority": "Mid-level",
        "primary_function": (
            "Cleans and examines patients' teeth and gums in a dental practice: scaling and root "
            "planing, periodontal charting, taking radiographs and coaching patients on home "
            "care, working alongside a dentist with ultrasonic scalers and practice software."
        ),
        "not_this_role": (
            "Not a dentist, who diagnoses and carries out restorative treatment. Not a dental "
            "nurse, who assists chairside and prepares instruments. The hygienist runs their own "
            "preventive appointments under the practice's clinical lead."
        ),
        "typical_experience": (
            "A diploma or degree in dental hygiene and a state or national registration, with a "
            "few years of clinical practice."
        ),
        "seniority_note": (
            "Newly qualified hygienists do the same clinical work as experienced ones, so "
            "exposure barely changes with seniority; the most senior take on training and "
            "practice management, which is somewhat more exposed to scheduling tools."
        ),
        "aliases": ["Dental Therapist", "Registered Dental Hygienist"],
        "tags": ["healthcare", "dentistry", "clinical"],
        "occupation": None,
    },
    "tasks": {
        "tasks": [
            _task(
                "Scaling, root planing & polishing",
                35,
                1,
                "not_involved",
                "Hands-on work in a patient's mouth with fine instruments; no AI system takes "
                "part in it.",
            ),
            _task(
                "Periodontal assessment & charting",
                15,
                2,
                "augmentation",
                "Voice charting and image tools speed up the record, while probing and judging "
                "the tissue remain the hygienist's.",
            ),
            _task(
                "Radiographs & image review",
                10,
                3,
                "augmentation",
                "Detection software marks likely decay and bone loss on images; the clinician "
                "confirms findings and decides what to refer.",
            ),
            _task(
                "Patient education & home-care coaching",
                15,
                2,
                "augmentation",
                "Apps and generated leaflets help, but changing a patient's habits depends on the "
                "conversation in the chair.",
            ),
            _task(
                "Infection control & instrument handling",
                10,
                1,
                "not_involved",
                "Physical cleaning and sterilisation routines follow strict protocols that "
                "software does not carry out.",
            ),
            _task(
                "Clinical notes, recalls & treatment codes",
                15,
                4,
                "displacement",
                "Ambient scribes draft notes and practice systems book recalls and code "
                "treatments, so little of this administration is left to do by hand.",
            ),
        ],
        "reinstatement_new_tasks": False,
        "reinstatement_rationale": (
            "AI changes how records are kept and images read, but it creates no new duties of "
            "note for the hygienist."
        ),
    },
    "profile": {
        "embodied_physicality": _scored(
            3, "Skilled manual work inside a patient's mouth, adapting to each person's anatomy."
        ),
        "deep_interpersonal_connection": _scored(
            2,
            "Anxious patients return because they trust their hygienist, and that trust shapes "
            "whether they keep up treatment.",
        ),
        "goal_setting_moral_judgment": _scored(
            1,
            "Makes clinical calls within a treatment plan the dentist owns, and must recognise "
            "when something needs referring.",
        ),
        "growth": _scored(
            0, "AI adoption neither raises nor lowers the demand for preventive dental care."
        ),
        "job_posting_trends": _evidence(
            1,
            "Practices report persistent shortages of hygienists and advertise for long periods.",
            _src("Dental association workforce survey", "2026-03-15"),
        ),
        "company_actions": _evidence(
            1,
            "Dental groups are adding hygiene appointments and offering retention bonuses.",
            _src("Trade press coverage of dental group hiring", "2026-07-10"),
        ),
        "wage_trends": _evidence(
            1,
            "Hourly rates have risen ahead of inflation over the past year.",
            _src("Government occupational wage statistics", "2026-04-30"),
        ),
        "ai_tool_maturity": _evidence(
            0,
            "Image analysis and ambient scribing are mature; nothing touches the clinical work.",
            _src("Regulator clearances for dental imaging software", "2026-02-01"),
        ),
        "expert_consensus": _evidence(
            1,
            "Commentators agree the chairside work is among the least automatable in healthcare.",
            _src("Review article on AI in dentistry", "2026-01-20"),
        ),
        "regulatory_licensing": _scored(
            2, "Only a registered professional may carry out the treatment."
        ),
        "physical_presence": _scored(2, "The patient has to be in the chair, in the room."),
        "union_collective_bargaining": _scored(0, "Few hygienists are covered by bargaining."),
        "liability_accountability": _scored(
            2, "Clinical negligence rules make a named clinician answerable for every treatment."
        ),
        "cultural_ethical": _scored(
            1, "Patients expect a person to treat them and are wary of automated care."
        ),
    },
    "commentary": {
        "score_vs_reality": (
            "{{ sub_label }} at {{ aijri }} fits a job done with the hands on one patient at a "
            "time; only the paperwork around the appointment is exposed."
        ),
        "numbers_dont_capture": [
            "Shortages of hygienists make the role safer than the figures alone suggest.",
            "Practices may use scribing tools to book more patients a day, which changes the "
            "pace of the work rather than the headcount.",
        ],
        "who_should_worry": (
            "Hygienists whose role leans on administration or treatment coding should pay "
            "attention; chairside clinicians have little to worry about."
        ),
        "outlook": (
            "The clinical work looks much as it does today, with notes and recalls handled by "
            "software and imaging support in every surgery."
        ),
        "survival_strategy": [
            "Become fluent with imaging and charting tools so they save time rather than add it.",
            "Extend the scope of practice where regulation allows, such as local anaesthesia.",
        ],
        "where_to_look_next": [],
        "timeline": "Administrative changes are under way now; the clinical core is stable.",
    },
}

# Commentary alone, for `jobzone commentary` (regenerating a canonical role's text). Both roles
# are in tests/data/commentary/roles/; drafting either title from scratch still gets the SRE's
# role, tasks and profile answers under that title, as before.
MLOPS_COMMENTARY: dict[str, Any] = {
    "score_vs_reality": (
        "The label {{ sub_label }} at {{ aijri }} suits a job that is busy but shifting underneath "
        "it: {{ share_3plus }} of task time goes to exposed tasks, and {{ split.displacement }} is "
        "already passing to managed platforms. Knowing how models misbehave is what keeps it "
        "{{ distance.green }} points short of the Green threshold rather than further down, and an "
        "evidence total of {{ evidence_total }} says employers still hire for it."
    ),
    "numbers_dont_capture": [
        "Much of the work now travels under other names, such as ML platform or AI "
        "infrastructure engineer, so a falling count for this exact title says little about "
        "the work itself.",
        "Managed platforms take most of the money spent on MLOps; a growing market for the tools "
        "can sit beside flat hiring of the people who run them.",
        "Serving large language models has brought back hands-on work with accelerators, "
        "batching and latency that the task list only hints at.",
    ],
    "who_should_worry": (
        "Engineers whose week goes on pushing models through a managed service with default "
        "settings, minding scheduled retraining jobs and tidying experiment trackers should take "
        "the score seriously. Those who design serving for unusual workloads, run inference "
        "fleets or build the internal platform others deploy onto are safer than it suggests."
    ),
    "outlook": (
        "Expect fewer and more senior people per organisation, each looking after a platform "
        "that handles routine deployment and tracking on its own, with their time going to "
        "inference cost, reliability and the governance of models in production."
    ),
    "survival_strategy": [
        "Learn the inference stack in depth: model servers, batching, quantisation and "
        "accelerator scheduling are where managed services still fall short.",
        "Own model governance inside the pipeline, including lineage, audit trails and release "
        "checks that an auditor can inspect.",
        "Build platforms rather than operate them, so your work is the part a managed service "
        "cannot configure for you.",
    ],
    "where_to_look_next": [
        {
            "slug": "devops-engineer",
            "reason": "Release pipelines, containers and infrastructure code are shared ground, "
            "though {{ role:devops-engineer }} is under more pressure from coding assistants.",
        }
    ],
    "timeline": (
        "Routine deployment and tracking keep moving to managed platforms over the next few "
        "years; demand for engineers who run model inference at scale should outlast that shift."
    ),
}

DEVOPS_COMMENTARY: dict[str, Any] = {
    "score_vs_reality": (
        "{{ sub_label }} at {{ aijri }} reads right for a job whose main products, pipeline "
        "definitions and infrastructure modules, are what coding assistants write most reliably. "
        "{{ split.displacement }} of task time is marked displacement, and the distance to the "
        "Yellow threshold is {{ distance.yellow }} points."
    ),
    "numbers_dont_capture": [
        "Delivery work is spreading to developers and platform teams, so the title shrinks "
        "faster than the tasks it used to name.",
        "Generated configuration fails in unfamiliar ways, and somebody still has to read it "
        "closely enough to fix a broken release late at night.",
    ],
    "who_should_worry": (
        "Engineers who mostly edit pipeline files, copy infrastructure modules between projects "
        "and rerun failed jobs are the most exposed. Those who design delivery systems, own "
        "access and secrets policy and agree release rules with many teams are much less so."
    ),
    "outlook": (
        "The job narrows into a small platform function: a few engineers supervising delivery "
        "systems that assistants largely write and repair, spending more of their time on "
        "security, cost and recovery."
    ),
    "survival_strategy": [
        "Move from writing pipelines to designing the delivery platform and its guard rails.",
        "Specialise in supply-chain security: signing, provenance and policy for generated code.",
        "Learn how model-backed services are shipped and rolled back, where practice is young.",
    ],
    "where_to_look_next": [
        {
            "slug": "mlops-engineer",
            "reason": "Container, pipeline and monitoring skills carry over to running models in "
            "production ({{ role:mlops-engineer }}).",
        }
    ],
    "timeline": (
        "Routine pipeline and infrastructure-code work passes to assistants over the next few "
        "years; delivery design and security stay with people for longer."
    ),
}

#: Commentary answers by normalised title, ahead of the title's canned role (if any).
COMMENTARY_BY_TITLE: dict[str, dict[str, Any]] = {
    "mlops engineer": MLOPS_COMMENTARY,
    "devops engineer": DEVOPS_COMMENTARY,
}

#: What the wrong-commentary scenarios add to a first (or every) commentary answer: a literal
#: AIJRI that matches neither role, and a role that is not in the canonical set.
WRONG_FIGURE = "AIJRI 41.2"
OUTSIDE_ROLE = "data-engineer"


def wrong_commentary(answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` citing a wrong figure and naming a role outside the canonical set."""
    wrong = copy.deepcopy(answer)
    wrong["score_vs_reality"] = (
        f"On this assessment the role lands at {WRONG_FIGURE}. " + wrong["score_vs_reality"]
    )
    wrong["where_to_look_next"].append(
        {
            "slug": OUTSIDE_ROLE,
            "reason": "Orchestration and pipeline skills move easily to "
            f"{{{{ role:{OUTSIDE_ROLE} }}}}.",
        }
    )
    return wrong


#: Canned answers by normalised title (titles and aliases).
CANNED: dict[str, dict[str, dict[str, Any]]] = {
    "site reliability engineer": SRE,
    "sre": SRE,
    "dental hygienist": HYGIENIST,
}

NOT_A_TITLE: dict[str, Any] = {
    "is_job_title": False,
    "not_a_title_reason": (
        "The text is an instruction addressed to an assistant, not the name of an occupation "
        "that people are hired into."
    ),
    "title": "",
    "seniority": "",
    "primary_function": "",
    "not_this_role": "",
    "typical_experience": "",
    "seniority_note": "",
    "aliases": [],
    "tags": [],
    "occupation": None,
}
_INSTRUCTION_WORDS = re.compile(
    r"\b(ignore|disregard)\b.*\b(instructions?|previous)\b|\bsystem prompt\b|\byou are\b"
    r"|\bpretend\b",
    re.I,
)


def looks_like_a_title(title: str) -> bool:
    """The server's stand-in for a model's judgement: short, not a sentence, not an order."""
    words = title.split()
    return (
        0 < len(words) <= 6
        and not _INSTRUCTION_WORDS.search(title)
        and not title.rstrip().endswith((".", "!", "?", ":"))
    )


def canned_for(title: str) -> dict[str, dict[str, Any]]:
    """The canned role for a title; other titles get the SRE answers under their own title."""
    key = " ".join(title.casefold().split())
    if key in CANNED:
        return CANNED[key]
    answers = copy.deepcopy(SRE)
    answers["role"]["title"] = " ".join(w[:1].upper() + w[1:] for w in title.split())
    answers["role"]["aliases"] = []
    return answers


# -- requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """What the server made of one request: for the bench's and the tests' bookkeeping."""

    stage: str
    repair: bool
    status: int
    served: str
    prompt_chars: int
    prompt_tokens: int
    completion_tokens: int


def _data_of(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON data user message (the first user message of the conversation)."""
    for message in messages:
        if message.get("role") == "user":
            try:
                data = json.loads(message.get("content") or "")
            except json.JSONDecodeError:
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def _title_of(data: dict[str, Any]) -> str:
    role = data.get("role")
    if isinstance(role, dict) and role.get("title"):
        return str(role["title"])
    assessment = data.get("assessment")
    if isinstance(assessment, dict) and assessment.get("title"):
        return str(assessment["title"])
    return str(data.get("title") or "")


def is_repair(messages: list[dict[str, Any]]) -> bool:
    return (
        len(messages) >= 2
        and messages[-1].get("role") == "user"
        and messages[-2].get("role") == "assistant"
    )


def _known_slugs(data: dict[str, Any]) -> set[str]:
    """Slugs the commentary data lists as the canonical set."""
    roles = data.get("canonical_roles")
    if not isinstance(roles, list):
        return set()
    return {str(r.get("slug")) for r in roles if isinstance(r, dict)}


#: What a redraft's notes say when reviewers asked for changes (workflow/drafting.py's guidance).
REVIEWERS_ASKED = "Reviewers asked for these changes"


def with_on_call_split(answer: dict[str, Any]) -> dict[str, Any]:
    """The tasks answer revised as a reviewer asked ("say more about on-call load"): incident
    response and on-call become two tasks, each half the time."""
    tasks = []
    for task in answer["tasks"]:
        if task["name"] != "Incident response & on-call":
            tasks.append(task)
            continue
        half = task["time_pct"] // 2
        tasks.append({**task, "name": "Incident response", "time_pct": task["time_pct"] - half})
        tasks.append(
            _task(
                "On-call rotation & escalation",
                half,
                1,
                "not_involved",
                "Carrying the pager, handing over between shifts and deciding whom to wake is "
                "about people and accountability; assistants play no real part in it.",
            )
        )
    return {**answer, "tasks": tasks}


#: What the server says of a proxy occupation (the first candidate, when no title matched).
PROXY_NOTE = "The nearest occupation O*NET lists; the role is a narrower specialty within it."


def chosen_occupation(found: Any) -> dict[str, str] | None:
    """The server's choice among the candidate occupations: the first, as a direct match when
    its O*NET title matched, an alternate title when another of its titles did, else a proxy."""
    if not isinstance(found, list) or not found or not isinstance(found[0], dict):
        return None
    first = found[0]
    matched = str(first.get("matched") or "")
    if matched.startswith("title:"):
        return {"code": first["code"], "match": "direct", "note": ""}
    if matched.startswith(("alternate title:", "reported title:")):
        return {"code": first["code"], "match": "alternate-title", "note": ""}
    return {"code": first["code"], "match": "proxy", "note": PROXY_NOTE}


def cite_statements(tasks: list[dict[str, Any]], statements: Any) -> None:
    """Each canned task cites the O*NET statements whose published automation level suggests
    its own score or one next to it (the closest task, the least-cited first on a tie): the
    citations a careful model would make, so a clean draft draws no cross-check warning."""
    from jobzone.occupations import task as onet_task
    from jobzone.occupations.crosscheck import suggested_score

    if not isinstance(statements, list):
        return
    for statement in statements:
        found = onet_task(int(statement["id"]))
        suggested = suggested_score([found]) if found is not None else None
        if suggested is None:
            continue
        near = [t for t in tasks if abs(t["score"] - suggested) <= 1 and len(t["onet_tasks"]) < 12]
        if near:
            best = min(near, key=lambda t: (abs(t["score"] - suggested), len(t["onet_tasks"])))
            best["onet_tasks"].append(int(statement["id"]))


def answer_for(
    stage: str, messages: list[dict[str, Any]], scenario: Scenario, repair: bool
) -> dict[str, Any]:
    data = _data_of(messages)
    title = _title_of(data)
    if stage == "role" and not looks_like_a_title(title) and title.casefold() not in CANNED:
        return copy.deepcopy(NOT_A_TITLE)
    key = " ".join(title.casefold().split())
    if stage == "commentary" and key in COMMENTARY_BY_TITLE:
        answer = copy.deepcopy(COMMENTARY_BY_TITLE[key])
    else:
        answer = copy.deepcopy(canned_for(title)[stage])
    if stage == "role":
        answer["occupation"] = chosen_occupation(data.get("occupations"))
    if stage == "tasks" and REVIEWERS_ASKED in str(data.get("notes") or ""):
        answer = with_on_call_split(answer)
    if stage == "tasks":
        cite_statements(answer["tasks"], data.get("occupation_tasks"))
    faulty = scenario.faulty_titles is None or bool(re.search(scenario.faulty_titles, title))
    if stage == "tasks":
        short = faulty and (
            scenario.tasks_sum == "always-95" or (scenario.tasks_sum == "first-95" and not repair)
        )
        if short:
            # Take five points from the longest task: the shares then sum to 95.
            longest = max(answer["tasks"], key=lambda t: t["time_pct"])
            longest["time_pct"] -= 5
    if stage == "commentary":
        known = _known_slugs(data)
        answer["where_to_look_next"] = [
            item for item in answer["where_to_look_next"] if item["slug"] in known
        ]
        wrong = faulty and (
            scenario.commentary == "always-wrong"
            or (scenario.commentary == "first-wrong" and not repair)
        )
        if wrong:
            answer = wrong_commentary(answer)
    return answer


class FakeOpenAI:
    """The server; use as a context manager, or ``start()`` and ``stop()``."""

    def __init__(
        self, scenario: str | Scenario = "clean", *, latency_ms: int = 0, port: int = 0
    ) -> None:
        self.scenario = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
        self.latency_ms = latency_ms
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._served: dict[str, int] = {}
        self._seq = 0
        self.batches = FakeBatches(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give the openai SDK (OPENAI_BASE_URL)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- answering --------------------------------------------------------------------------------

    def _next_fault(self, stage: str) -> str | None:
        with self._lock:
            served = self._served.get(stage, 0)
            self._served[stage] = served + 1
            faults = self.scenario.faults.get(stage, ())
            return faults[served] if served < len(faults) else None

    def _next_id(self) -> str:
        with self._lock:
            self._seq += 1
            return f"chatcmpl-fake{self._seq:04d}"

    def respond(self, raw: bytes) -> tuple[int, dict[str, str], Body, Call | None]:
        """Status, extra headers and body for one request body: JSON, text as it is, or the
        events of a stream."""
        try:
            body = json.loads(raw)
            messages = body["messages"]
            mode, schema_name = _format_of(body)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            return 400, {}, _error(f"expected a structured chat completion ({exc})"), None
        stage = STAGE_BY_SCHEMA.get(schema_name)
        if stage is None:
            return 400, {}, _error(f"unknown response format {schema_name!r}"), None
        repair = is_repair(messages)
        prompt_tokens = len(raw) // 4

        def call(status: int, served: str, completion: int) -> Call:
            return Call(stage, repair, status, served, len(raw), prompt_tokens, completion)

        if mode not in self.scenario.modes:
            refusal = MODE_REFUSALS.get(mode, f"{mode} is not supported")
            return 500, {}, _error(refusal, 500), call(500, f"no-{mode}", 0)
        fault = self._next_fault(stage)
        if fault in ("429", "500", "400"):
            status = int(fault)
            headers = {"retry-after": "1"} if status == 429 else {}
            return status, headers, _error(_FAULT_MESSAGES[status], status), call(status, fault, 0)
        if fault in MALFORMED_BODIES:
            kind, text = MALFORMED_BODIES[fault]
            return 200, {"content-type": kind}, text, call(200, fault, 0)

        limit = int(body.get("max_completion_tokens") or 4096)
        answer = answer_for(stage, messages, self.scenario, repair)
        content: str | None = json.dumps(answer, ensure_ascii=False)
        assert content is not None
        refusal = None
        finish = "stop"
        completion_tokens = len(content) // 4 + 64  # a little hidden reasoning
        if fault == "refusal":
            content, refusal = None, "I can't help with assessing this request."
            completion_tokens = 12
        elif fault == "length":
            content, finish, completion_tokens = content[: len(content) // 2], "length", limit
        cached = (len(json.dumps(messages[:2])) // 4) // 128 * 128 if repair else 0
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": min(cached, prompt_tokens)},
            "completion_tokens_details": {"reasoning_tokens": 64 if not fault else 0},
        }
        reply = _Reply(self._next_id(), str(body.get("model", "fake-model")), content, refusal)
        reply.finish = finish
        reply.tool = schema_name if mode == "tools" else None
        served = call(200, fault or "answer", completion_tokens)
        if body.get("stream"):
            with_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return (
                200,
                {"content-type": "text/event-stream"},
                reply.events(usage, with_usage),
                served,
            )
        return 200, {}, reply.completion(usage), served

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, payload, kind = server.batches.get(self.path.rstrip("/"))
                self._send(status, {"content-type": kind}, payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") in ("/v1/files", "/v1/batches"):
                    kind = self.headers.get("content-type") or ""
                    status, payload = server.batches.post(self.path.rstrip("/"), raw, kind)
                    self._send(status, {}, payload)
                    return
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {}, _error(f"no route {self.path}", 404))
                    return
                if server.latency_ms:
                    time.sleep(server.latency_ms / 1000)
                status, headers, payload, call = server.respond(raw)
                if call is not None:
                    with server._lock:
                        server.calls.append(call)
                self._send(status, headers, payload)

            def _send(self, status: int, headers: dict[str, str], payload: Body) -> None:
                if isinstance(payload, list):
                    text = "".join(f"data: {json.dumps(event)}\n\n" for event in payload)
                    text += "data: [DONE]\n\n"
                elif isinstance(payload, str):
                    text = payload
                else:
                    text = json.dumps(payload)
                data = text.encode("utf-8")
                headers = {"content-type": "application/json", **headers}
                self.send_response(status)
                self.send_header("content-length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)  # the client may have gone (killed mid-call)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the caller reports what it needs

        return Handler


class FakeBatches:
    """The Batch API's part of the server: ``POST /v1/files`` (multipart, purpose ``batch``),
    ``GET /v1/files/ID/content``, ``POST /v1/batches`` and ``GET /v1/batches/ID``. A batch runs
    its requests through the server's own answers when it is created, and shows them after the
    scenario's number of polls: in its output file, its error file (the scenario's failures),
    or, for a batch that expires, as ``batch_expired`` errors."""

    def __init__(self, server: FakeOpenAI) -> None:
        self.server = server
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.polls: dict[str, int] = {}
        self.ended: dict[str, dict[str, Any]] = {}
        self.created = 0
        self._failed: dict[str, int] = {}
        self._lock = threading.Lock()

    def _file(self, data: bytes) -> str:
        with self._lock:
            file_id = f"file-fake{len(self.files) + 1:04d}"
            self.files[file_id] = data
            return file_id

    def post(self, path: str, raw: bytes, content_type: str) -> tuple[int, Body]:
        if path == "/v1/files":
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + raw
            )
            parts = {
                p.get_param("name", header="content-disposition"): p for p in message.iter_parts()
            }
            data = parts["file"].get_payload(decode=True)
            file_id = self._file(data)
            return 200, {
                "id": file_id,
                "object": "file",
                "bytes": len(data),
                "created_at": FIXED_CREATED,
                "filename": "batch.jsonl",
                "purpose": "batch",
            }
        body = json.loads(raw)
        lines = self.files[body["input_file_id"]].decode("utf-8").splitlines()
        with self._lock:
            self.created += 1
            batch_id = f"batch_fake{self.created:04d}"
            expires = self.server.scenario.batch_expires and self.created == 1
        batch = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "errors": None,
            "input_file_id": body["input_file_id"],
            "completion_window": "24h",
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": FIXED_CREATED,
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
        }
        self.batches[batch_id] = batch
        self.polls[batch_id] = 0
        self.ended[batch_id] = self._run(batch, [json.loads(line) for line in lines], expires)
        return 200, dict(batch)

    def _run(
        self, batch: dict[str, Any], requests: list[dict[str, Any]], expires: bool
    ) -> dict[str, Any]:
        output, errors = [], []
        ran = requests[: len(requests) // 2] if expires else requests
        for number, item in enumerate(requests, 1):
            line: dict[str, Any] = {"id": f"batch_req_{number:04d}", "custom_id": item["custom_id"]}
            stage = item["custom_id"].split("-", 1)[0]
            if item not in ran:
                errors.append(
                    {
                        **line,
                        "response": None,
                        "error": {
                            "code": "batch_expired",
                            "message": "This request could not be executed "
                            "before the completion window expired.",
                        },
                    }
                )
                continue
            with self._lock:
                failing = self._failed.get(stage, 0) < self.server.scenario.batch_failures.get(
                    stage, 0
                )
                if failing:
                    self._failed[stage] = self._failed.get(stage, 0) + 1
            if failing:
                errors.append(
                    {
                        **line,
                        "response": {
                            "status_code": 500,
                            "request_id": line["id"],
                            "body": _error(_FAULT_MESSAGES[500], 500),
                        },
                        "error": None,
                    }
                )
                continue
            status, _headers, payload, call = self.server.respond(
                json.dumps(item["body"]).encode("utf-8")
            )
            if call is not None:
                with self.server._lock:
                    self.server.calls.append(call)
            response = {"status_code": status, "request_id": line["id"], "body": payload}
            (output if status == 200 else errors).append(
                {**line, "response": response, "error": None}
            )
        ended = dict(batch)
        counts = {
            "total": len(requests),
            "completed": len(output),
            "failed": len(errors) - (len(requests) - len(ran)),
        }
        ended.update(status="expired" if expires else "completed", request_counts=counts)
        for key, lines in (("output_file_id", output), ("error_file_id", errors)):
            if lines:
                text = "".join(json.dumps(x) + "\n" for x in lines)
                ended[key] = self._file(text.encode("utf-8"))
        return ended

    def get(self, path: str) -> tuple[int, Body, str]:
        if path.startswith("/v1/files/") and path.endswith("/content"):
            file_id = path.split("/")[3]
            if file_id not in self.files:
                return 404, _error(f"no file {file_id}", 404), "application/json"
            return 200, self.files[file_id].decode("utf-8"), "application/octet-stream"
        batch_id = path.rsplit("/", 1)[-1]
        if not path.startswith("/v1/batches/") or batch_id not in self.batches:
            return 404, _error(f"no route {path}", 404), "application/json"
        with self._lock:
            self.polls[batch_id] += 1
            polls = self.polls[batch_id]
        if polls > self.server.scenario.batch_polls:
            return 200, self.ended[batch_id], "application/json"
        progress = dict(self.batches[batch_id], status="in_progress")
        total = progress["request_counts"]["total"]
        share = polls / (self.server.scenario.batch_polls + 1)
        progress["request_counts"] = {"total": total, "completed": int(total * share), "failed": 0}
        return 200, progress, "application/json"


#: A response body: a JSON object, text as it is, or the events of a stream.
Body = dict[str, Any] | str | list[dict[str, Any]]


def _format_of(body: dict[str, Any]) -> tuple[str, str]:
    """The structured-output mode a request asks for, and the name of its answer's schema."""
    if body.get("tools"):
        function = body["tools"][0]["function"]
        if function.get("strict") is not True:
            raise ValueError("tools must be strict")
        return "tools", str(function["name"])
    fmt = body["response_format"]
    if fmt.get("type") == "json_schema":
        if fmt["json_schema"].get("strict") is not True:
            raise ValueError("response_format must be a strict json_schema")
        return "json_schema", str(fmt["json_schema"]["name"])
    if fmt.get("type") == "json_object":
        named = _SCHEMA_NAMED.search(str(body["messages"][0].get("content") or ""))
        if named is None:
            raise ValueError("json_object mode needs the schema in the system message")
        return "json_object", named.group(1)
    raise ValueError(f"unknown response_format type {fmt.get('type')!r}")


@dataclass
class _Reply:
    """One answer, as a whole chat completion or as the chunks of a stream."""

    id: str
    model: str
    content: str | None
    refusal: str | None
    finish: str = "stop"
    #: The function called, in tools mode: the answer is its arguments.
    tool: str | None = None

    def _envelope(self, kind: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": kind,
            "created": FIXED_CREATED,
            "model": self.model,
            "system_fingerprint": "fp_fake",
        }

    def _tool_call(self, arguments: str, first: bool) -> dict[str, Any]:
        function: dict[str, Any] = {"arguments": arguments}
        if first:
            function["name"] = self.tool
        call: dict[str, Any] = {"index": 0, "function": function}
        if first:
            call.update(id=f"call_{self.id}", type="function")
        return call

    def completion(self, usage: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool and self.content is not None:
            message.update(content=None, tool_calls=[self._tool_call(self.content, True)])
        message.update(refusal=self.refusal, annotations=[])
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": self.finish}
        return {**self._envelope("chat.completion"), "choices": [choice], "usage": usage}

    def events(self, usage: dict[str, Any], with_usage: bool) -> list[dict[str, Any]]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return {**self._envelope("chat.completion.chunk"), "choices": [choice]}

        events = [chunk({"role": "assistant", "content": ""})]
        if self.refusal:
            events.append(chunk({"refusal": self.refusal}))
        text = self.content or ""
        for at in range(0, len(text), PIECE_CHARS):
            piece = text[at : at + PIECE_CHARS]
            if self.tool:
                events.append(chunk({"tool_calls": [self._tool_call(piece, at == 0)]}))
            else:
                events.append(chunk({"content": piece}))
        events.append(chunk({}, self.finish))
        if with_usage:
            events.append(
                {**self._envelope("chat.completion.chunk"), "choices": [], "usage": usage}
            )
        return events


_FAULT_MESSAGES = {
    429: "Rate limit reached for requests per minute. Please try again in 1s.",
    500: "The server had an error while processing your request.",
    400: "Invalid 'messages': the request could not be processed.",
}
_ERROR_TYPES = {429: "requests", 500: "server_error", 400: "invalid_request_error"}


def _error(message: str, status: int = 400) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": _ERROR_TYPES.get(status, "invalid_request_error"),
            "param": None,
            "code": "rate_limit_exceeded" if status == 429 else None,
        }
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="clean")
    parser.add_argument("--latency", type=int, default=0, metavar="MS")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with FakeOpenAI(args.scenario, latency_ms=args.latency, port=args.port) as server:
        print(f"OPENAI_BASE_URL={server.url}  (scenario {args.scenario}; Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
