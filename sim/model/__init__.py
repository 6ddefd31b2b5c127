"""The negotiation model: Mesa agents and model, and the mechanisms they use.

Modules, importing only those above them in this list (numpy mechanisms first, the
Mesa model last):

- `dynamics`: drafting, persuasion, disagreement, pressure, acceptance (pure numpy);
- `ratification`: ratification hazards and entry into force;
- `population`: delegations and stakeholders drawn from a scenario;
- `ledger`, `purse`: delegations' running totals, and the process's money;
- `attendance`: who attends a meeting and who pays;
- `process`: tiers, compression, the rooms that sit, who covers which room;
- `sitting`: one room sitting for one day;
- `decision`: objections, blocking power, accommodation, votes;
- `record`, `outcomes`, `metrics`: what a run leaves behind and its columns;
- `agents`, `negotiation`: the Mesa agents and `NegotiationModel`.

`NegotiationModel` is imported lazily (Mesa costs a second to import).
"""

from __future__ import annotations

__all__ = ["NegotiationModel"]


def __getattr__(name: str):
    if name == "NegotiationModel":
        from sim.model.negotiation import NegotiationModel

        return NegotiationModel
    raise AttributeError(name)
