"""The negotiation model: Mesa agents and model, and the mechanisms they use.

Modules, importing only those above them in this list (numpy mechanisms first, the
Mesa model last):

- `dynamics`: drafting, persuasion, disagreement, pressure, acceptance (pure numpy);
- `ratification`, `ratification_clock`: signing, procedures, peers, campaigns, entry into force;
- `population`: delegations and stakeholders drawn from a scenario;
- `ledger`, `purse`: delegations' running totals, and the process's money;
- `attendance`: who attends a meeting and who pays;
- `process`: tiers, compression, the rooms that sit, who covers which room;
- `sitting`, `days`: one room sitting for one day, and a meeting's days room by room;
- `issue_sets`: sets of issues as numpy's set routines give them, cheaply;
- `mechanisms`, `kernels`: a run's numerical mechanisms behind one interface, and the
  choice of their code: the numpy reference or `compiled` (numba kernels, the same
  numbers bit for bit, imported only when chosen);
- `decision`: objections, blocking power, accommodation, votes;
- `record`, `outcomes`, `metrics`: what a run leaves behind and its columns;
- `chair`, `session`: the chair's decisions and `Negotiation`, the whole process
  without Mesa (what the command line and the sweeps run);
- `agents`, `negotiation`: the Mesa agents and `NegotiationModel`, the same process as
  a Mesa model (same numbers, bit for bit).

Both are imported lazily (Mesa costs a second or more to import).
"""

from __future__ import annotations

__all__ = ["Negotiation", "NegotiationModel"]


def __getattr__(name: str):
    if name == "NegotiationModel":
        from sim.model.negotiation import NegotiationModel

        return NegotiationModel
    if name == "Negotiation":
        from sim.model.session import Negotiation

        return Negotiation
    raise AttributeError(name)
