"""Whole-council plans: the exact lexicographic optimum, and a greedy baseline to compare.

The optimal plan is a min-cost flow (OR-Tools ``SimpleMinCostFlow``)::

    need --(days left)--> (provider, window) --> (provider, term) --(term's days)-->
        provider --(year's days)--> sink,                       need --(unmet)--> sink

so a need's days may be split across providers in whole days, and a provider's days are
counted per term. A need reaches the node of its provider and its window's set of terms
(autumn, spring, summer: ``terms.py``), which reaches only those terms; a provider has at
most seven such nodes, so the model has one arc per allowed (need, provider) pair plus a few
per provider. Locked days are supplied at their (provider, window) node, so they too are
placed in terms of their need's window, jointly with the rest. The provider node is left out
when its terms' days cannot exceed its year's total. Which need's days at a (provider,
window) node fall in which of its terms is free (they cost the same), so the per-term split
of each match is read off afterwards (``Plan.by_term``). It is solved in three stages,
one per tier, each over the optimal face of the stage before:

1. most priority-weighted days met (unit cost ``-priority`` on need->provider arcs);
2. then the best fit (``-fit`` in thousandths);
3. then the least travel (whole metres per day).

After each stage, node potentials are read from the optimal residual network (shortest
paths by Bellman-Ford, which settles in a few passes; the solver finds them if it does
not). By complementary slackness a flow is optimal for that stage exactly when it leaves
arcs with positive reduced cost empty and arcs with negative reduced cost full; so those
arcs are removed or fixed, and the next stage optimises over what is left.

Why not one flow with costs ``-priority*B1 - fit*B2 + metres``? Tiers cannot trade off only
if ``B2 > D*40,000`` and ``B1 > D*1,000*B2`` (D = total days), so ``B1`` grows with D
squared: about 3e17 for a nation (D ~ 9e4), and the solver multiplies costs by the node
count, beyond int64. Stage costs stay below 40,000 whatever the size.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from engines.matching.eligibility import (
    FIT_UNITS,
    Arcs,
    Demand,
    check_locks,
    check_unique,
    distance_m,
    eligible_arcs,
    id_key,
    need_mask,
    room,
    term_caps,
)
from engines.matching.model import (
    Assignment,
    Id,
    Lock,
    Need,
    Objective,
    Plan,
    Provider,
    Settings,
)
from engines.matching.terms import FULL_MASK, TERMS

IntArray = npt.NDArray[np.int64]


def optimal_plan(
    needs: Sequence[Need], providers: Sequence[Provider], settings: Settings | None = None
) -> Plan:
    """The plan meeting the most priority-weighted days, then with the best fit, then the
    least travel; honouring locks, never using a rejected or conflicted pair, never giving a
    provider more days in a term than it has there nor placing a need's days in a term outside
    its window."""
    start = time.perf_counter()
    settings = settings or Settings()
    p = _prepare(needs, providers, settings)
    arcs = eligible_arcs(
        p.needs, p.providers, settings, p.prov_left, p.need_left > 0, p.rooms, p.masks
    )
    priority = np.array([n.priority for n in p.needs], dtype=np.int64).reshape(-1)
    tiers = [
        -priority[arcs.need],
        -np.rint(arcs.fit * FIT_UNITS).astype(np.int64),
        np.rint(arcs.metres).astype(np.int64),
    ]
    net = _network(p, arcs.need, arcs.provider, p.need_left)
    flow = lexicographic_flow(
        net.n_nodes, net.tails, net.heads, net.caps, [net.pad(t) for t in tiers], net.supply
    )
    days, by_term = _decompose(p, net, flow)
    return _plan(p.needs, p.providers, days, by_term, start, len(arcs))


def greedy_plan(
    needs: Sequence[Need], providers: Sequence[Provider], settings: Settings | None = None
) -> Plan:
    """Baseline: needs by priority (then id), each filled from the nearest provider with days
    left in its window's terms (earliest term first), then the next nearest. Same rules,
    locks and rejections as the optimal plan; locked days are placed in terms first."""
    start = time.perf_counter()
    settings = settings or Settings()
    p = _prepare(needs, providers, settings)
    arcs = eligible_arcs(
        p.needs, p.providers, settings, p.prov_left, p.need_left > 0, p.rooms, p.masks
    )
    # Where the locked days fall: any placement that fits (check_locks proved one exists).
    empty = np.zeros(0, np.int64)
    net = _network(p, empty, empty, np.zeros(len(p.needs), np.int64))
    flow = lexicographic_flow(
        net.n_nodes, net.tails, net.heads, net.caps, [net.pad(empty)], net.supply
    )
    days, by_term = _decompose(p, net, flow)
    term_left = p.caps.copy()
    np.subtract.at(term_left, (net.class_prov[net.ct_class], net.ct_term), flow[net.ct_arcs])
    total_left = p.prov_left.copy()

    order = np.lexsort((arcs.provider, arcs.metres, arcs.need))
    arc_need, arc_prov = arcs.need[order], arcs.provider[order]
    bounds = np.searchsorted(arc_need, np.arange(len(p.needs) + 1))
    by_priority = sorted(
        range(len(p.needs)), key=lambda i: (-p.needs[i].priority, id_key(p.needs[i].id))
    )
    for i in by_priority:
        want = int(p.need_left[i])
        terms = [k for k in range(len(TERMS)) if p.masks[i] >> k & 1]
        for j in arc_prov[bounds[i] : bounds[i + 1]]:
            for k in terms:
                give = min(want, int(term_left[j, k]), int(total_left[j]))
                if give:
                    pair = (p.needs[i].id, p.providers[j].id)
                    days[pair] += give
                    split = by_term.setdefault(pair, {})
                    split[TERMS[k]] = split.get(TERMS[k], 0) + give
                    term_left[j, k] -= give
                    total_left[j] -= give
                    want -= give
            if want == 0:
                break
    return _plan(p.needs, p.providers, days, by_term, start, len(arcs))


@dataclass
class _Prepared:
    """Inputs sorted by id, with what the locks leave."""

    needs: list[Need]
    providers: list[Provider]
    locks: list[Lock]
    need_left: IntArray  # days of each need not locked
    prov_left: IntArray  # days of each provider's year not locked
    caps: IntArray  # provider x term: days available in the term (locks not deducted)
    totals: IntArray  # each provider's days in the year (locks not deducted)
    masks: IntArray  # each need's window as a mask of terms
    demand: dict[int, Demand]  # provider index -> locked days by window mask
    locked: dict[tuple[int, int], int]  # (need index, provider index) -> locked days
    rooms: IntArray  # provider x mask: most days a need with that window can still get


#: Masks are at most this (three terms).
N_MASKS = FULL_MASK + 1


def _prepare(needs: Sequence[Need], providers: Sequence[Provider], settings: Settings) -> _Prepared:
    """Sort by id (so ties break the same way whatever the input order) and deduct locks."""
    check_unique(needs, providers)
    needs_s = sorted(needs, key=lambda n: id_key(n.id))
    providers_s = sorted(providers, key=lambda p: id_key(p.id))
    locks = check_locks(needs_s, providers_s, settings)
    year = settings.school_year
    need_pos = {n.id: i for i, n in enumerate(needs_s)}
    prov_pos = {p.id: j for j, p in enumerate(providers_s)}
    need_left = np.array([n.days for n in needs_s], dtype=np.int64).reshape(-1)
    totals = np.array([p.days_available for p in providers_s], dtype=np.int64).reshape(-1)
    caps = np.array([term_caps(p) for p in providers_s], dtype=np.int64).reshape(-1, len(TERMS))
    masks = np.array([need_mask(n, year) for n in needs_s], dtype=np.int64).reshape(-1)
    prov_left = totals.copy()
    demand: dict[int, Demand] = defaultdict(lambda: defaultdict(int))
    locked: dict[tuple[int, int], int] = defaultdict(int)
    for lock in locks:
        i, j = need_pos[lock.need_id], prov_pos[lock.provider_id]
        need_left[i] -= lock.days
        prov_left[j] -= lock.days
        demand[j][int(masks[i])] += lock.days
        locked[(i, j)] += lock.days
    # Days a window can get: min(total, days in its terms) with no locks, exactly with them.
    bits = np.array(
        [[m >> k & 1 for m in range(N_MASKS)] for k in range(len(TERMS))], dtype=np.int64
    ).reshape(len(TERMS), N_MASKS)
    rooms = np.minimum(caps @ bits, totals[:, None])
    for j, d in demand.items():
        for m in range(N_MASKS):
            rooms[j, m] = room(caps[j].tolist(), int(totals[j]), d, m)
    return _Prepared(
        needs_s,
        providers_s,
        locks,
        need_left,
        prov_left,
        caps,
        totals,
        masks,
        dict(demand),
        dict(locked),
        rooms,
    )


@dataclass
class _Network:
    """The flow network of a plan. Nodes: needs, then one node per (provider, window mask) in
    use, then one per (provider, term), then one per provider whose total binds, then the sink.
    Arcs, in order: need -> (provider, mask) [the plan's arcs, same order], need -> sink
    (unmet), (provider, mask) -> (provider, term) for each term in the mask, (provider, term)
    -> provider (or -> sink when the total cannot bind), provider -> sink."""

    n_nodes: int
    tails: IntArray
    heads: IntArray
    caps: IntArray
    supply: IntArray
    n_need_arcs: int
    class_keys: IntArray  # provider index x N_MASKS + mask, of each class node, sorted
    arc_class: IntArray  # the class node (index among classes) of each need arc
    class_prov: IntArray  # provider index of each class
    ct_arcs: IntArray  # arc index of each class -> term arc
    ct_class: IntArray  # its class
    ct_term: IntArray  # its term (index into TERMS)

    def pad(self, cost: IntArray) -> IntArray:
        """A need-arc cost extended with 0 for every other arc."""
        return np.concatenate(
            [np.asarray(cost, np.int64), np.zeros(len(self.tails) - len(cost), np.int64)]
        )


def _network(
    p: _Prepared, arc_need: IntArray, arc_prov: IntArray, need_supply: IntArray
) -> _Network:
    n_need = len(p.needs)
    n_terms = len(TERMS)
    arc_keys = arc_prov * N_MASKS + p.masks[arc_need]
    lock_keys = np.array(
        [j * N_MASKS + m for j, d in p.demand.items() for m, v in d.items() if v], dtype=np.int64
    )
    class_keys = np.unique(np.concatenate([arc_keys, lock_keys]))
    n_class = len(class_keys)
    class_prov, class_mask = class_keys // N_MASKS, class_keys % N_MASKS
    arc_class = np.searchsorted(class_keys, arc_keys)
    provs = np.unique(class_prov)
    prov_rank = np.full(len(p.providers), -1, np.int64)
    prov_rank[provs] = np.arange(len(provs))
    term_base = n_need + n_class
    binding = p.caps[provs].sum(axis=1) > p.totals[provs]
    total_base = term_base + n_terms * len(provs)
    total_node = np.full(len(provs), -1, np.int64)
    total_node[binding] = total_base + np.arange(int(binding.sum()))
    sink = total_base + int(binding.sum())

    # (provider, mask) -> (provider, term), for the terms in the mask with days.
    cc = np.repeat(np.arange(n_class), n_terms)
    tk = np.tile(np.arange(n_terms), n_class)
    ok = ((class_mask[cc] >> tk) & 1).astype(bool) & (p.caps[class_prov[cc], tk] > 0)
    cc, tk = cc[ok], tk[ok]
    # (provider, term) -> provider total or sink.
    tp = np.repeat(provs, n_terms)
    tt = np.tile(np.arange(n_terms), len(provs))
    ok = p.caps[tp, tt] > 0
    tp, tt = tp[ok], tt[ok]
    term_node = term_base + prov_rank[tp] * n_terms + tt
    to = np.where(total_node[prov_rank[tp]] >= 0, total_node[prov_rank[tp]], sink)
    has_need = np.flatnonzero(need_supply > 0)
    bound = provs[binding]

    tails = np.concatenate(
        [arc_need, has_need, n_need + cc, term_node, total_node[binding]]
    ).astype(np.int64)
    heads = np.concatenate(
        [
            n_need + arc_class,
            np.full(len(has_need), sink),
            term_base + prov_rank[class_prov[cc]] * n_terms + tk,
            to,
            np.full(len(bound), sink),
        ]
    ).astype(np.int64)
    caps = np.concatenate(
        [
            need_supply[arc_need],
            need_supply[has_need],
            p.caps[class_prov[cc], tk],
            p.caps[tp, tt],
            p.totals[bound],
        ]
    ).astype(np.int64)
    supply = np.zeros(sink + 1, np.int64)
    supply[:n_need] = need_supply
    for j, d in p.demand.items():
        for m, v in d.items():
            if v:
                supply[n_need + np.searchsorted(class_keys, j * N_MASKS + m)] += v
    supply[sink] = -int(supply[:sink].sum())
    first_ct = len(arc_need) + len(has_need)
    return _Network(
        sink + 1,
        tails,
        heads,
        caps,
        supply,
        len(arc_need),
        class_keys,
        arc_class,
        class_prov,
        first_ct + np.arange(len(cc)),
        cc,
        tk,
    )


def _decompose(
    p: _Prepared, net: _Network, flow: IntArray
) -> tuple[dict[tuple[Id, Id], int], dict[tuple[Id, Id], dict[str, int]]]:
    """Days per (need, provider), locks included, and how they fall in terms.

    The flow says how many days each (provider, window) node sends to each term, not whose;
    every need at that node may use every one of those terms and pays the same whatever the
    term, so any split of the node's days over its terms is as good: needs (by id) take the
    earliest terms first.
    """
    per_class: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    arc_need = net.tails[: net.n_need_arcs]
    for k in np.flatnonzero(flow[: net.n_need_arcs]):
        per_class[int(net.arc_class[k])][int(arc_need[k])] += int(flow[k])
    for (i, j), d in p.locked.items():
        c = int(np.searchsorted(net.class_keys, j * N_MASKS + int(p.masks[i])))
        per_class[c][i] += d
    term_flow: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, c, t in zip(
        net.ct_arcs.tolist(), net.ct_class.tolist(), net.ct_term.tolist(), strict=True
    ):
        if flow[a]:
            term_flow[c].append((t, int(flow[a])))
    days: dict[tuple[Id, Id], int] = defaultdict(int)
    by_term: dict[tuple[Id, Id], dict[str, int]] = {}
    for c, contributions in per_class.items():
        j = int(net.class_prov[c])
        slots = sorted(term_flow[c])
        s = 0
        for i in sorted(contributions):
            want = contributions[i]
            pair = (p.needs[i].id, p.providers[j].id)
            days[pair] += want
            split = by_term.setdefault(pair, {})
            while want:
                t, room_left = slots[s]
                take = min(want, room_left)
                split[TERMS[t]] = split.get(TERMS[t], 0) + take
                want -= take
                if take == room_left:
                    s += 1
                else:
                    slots[s] = (t, room_left - take)
    return days, by_term


def lexicographic_flow(
    n_nodes: int,
    tails: IntArray,
    heads: IntArray,
    caps: IntArray,
    tiers: Sequence[IntArray],
    supply: IntArray,
) -> IntArray:
    """Flow on each arc of a network optimising ``tiers`` (unit costs per arc, most important
    first) lexicographically, meeting ``supply`` (positive at sources, negative at sinks)."""
    supply = np.asarray(supply, np.int64).copy()
    costs = [np.asarray(t, np.int64) for t in tiers]
    flow = np.zeros(len(tails), np.int64)
    active = np.arange(len(tails))
    for stage, cost in enumerate(costs):
        last = stage == len(costs) - 1
        if len(active) == 0:
            break
        if not last and not cost[active].any():
            continue  # every remaining flow is equally good for this tier
        stage_flow = _min_cost_flow(
            n_nodes, tails[active], heads[active], caps[active], cost[active], supply
        )
        if last:
            flow[active] = stage_flow
            break
        reduced = _reduced_costs(
            n_nodes, tails[active], heads[active], caps[active], cost[active], stage_flow
        )
        full = active[reduced < 0]
        flow[full] = caps[full]
        np.subtract.at(supply, tails[full], caps[full])
        np.add.at(supply, heads[full], caps[full])
        active = active[reduced == 0]
    return flow


def _min_cost_flow(
    n_nodes: int,
    tails: IntArray,
    heads: IntArray,
    caps: IntArray,
    cost: IntArray,
    supply: IntArray,
) -> IntArray:
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, cost)
    solver.set_nodes_supplies(np.arange(n_nodes), supply)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.asarray(solver.flows(arcs), dtype=np.int64)


#: Bellman-Ford passes before the potentials are left to the solver instead (real instances
#: settle in tens of passes; the bound keeps a pathological one from taking n passes).
MAX_RELAX_PASSES = 200


def _reduced_costs(
    n_nodes: int,
    tails: IntArray,
    heads: IntArray,
    caps: IntArray,
    cost: IntArray,
    flow: IntArray,
) -> IntArray:
    """Reduced costs under node potentials read from the residual network of an optimal flow.

    The potentials are shortest-path distances from a root joined to every node at cost 0:
    an optimal flow leaves no negative cycle, so they exist, and they are dual optimal.
    """
    fwd = flow < caps
    back = flow > 0
    rows = np.concatenate([tails[fwd], heads[back]])
    cols = np.concatenate([heads[fwd], tails[back]])
    weights = np.concatenate([cost[fwd], -cost[back]])
    potential = _relax(n_nodes, rows, cols, weights)
    if potential is None:
        potential = _solver_potentials(n_nodes, rows, cols, weights)
    return cost + potential[tails] - potential[heads]


def _relax(n_nodes: int, rows: IntArray, cols: IntArray, weights: IntArray) -> IntArray | None:
    """Bellman-Ford from the root (every distance starts at 0), a whole pass at a time."""
    order = np.argsort(cols, kind="stable")
    rows, weights = rows[order], weights[order]
    cols = cols[order]
    if len(cols) == 0:
        return np.zeros(n_nodes, np.int64)
    starts = np.flatnonzero(np.r_[True, cols[1:] != cols[:-1]])
    targets = cols[starts]
    distance = np.zeros(n_nodes, np.int64)
    for _ in range(MAX_RELAX_PASSES):
        best = np.minimum.reduceat(distance[rows] + weights, starts)
        better = best < distance[targets]
        if not better.any():
            return distance
        distance[targets[better]] = best[better]
    return None


def _solver_potentials(n_nodes: int, rows: IntArray, cols: IntArray, weights: IntArray) -> IntArray:
    """The same distances from the solver: the root sends one unit to every node along
    uncapacitated residual edges; every edge then carrying flow lies on a shortest path."""
    root = n_nodes
    rows = np.concatenate([rows, np.full(n_nodes, root)])
    cols = np.concatenate([cols, np.arange(n_nodes)])
    weights = np.concatenate([weights, np.zeros(n_nodes, np.int64)])
    supply = np.full(n_nodes + 1, -1, np.int64)
    supply[root] = n_nodes
    paths = _min_cost_flow(
        n_nodes + 1, rows, cols, np.full(len(rows), n_nodes, np.int64), weights, supply
    )
    used = paths > 0
    # No two network arcs join the same pair of nodes, so each residual edge is one (row, col).
    tree = csr_matrix(
        (np.ones(int(used.sum())), (rows[used], cols[used])), shape=(n_nodes + 1, n_nodes + 1)
    )
    order, pred = breadth_first_order(tree, root, directed=True, return_predecessors=True)
    if len(order) != n_nodes + 1:
        raise RuntimeError("shortest-path flow did not reach every node")
    keys = rows[used] * (n_nodes + 1) + cols[used]
    sort = np.argsort(keys)
    child = order[1:]
    edge = sort[np.searchsorted(keys[sort], pred[child] * (n_nodes + 1) + child)]
    step = weights[used][edge]
    distance = np.zeros(n_nodes + 1, np.int64)
    for v, u, w in zip(child.tolist(), pred[child].tolist(), step.tolist(), strict=True):
        distance[v] = distance[u] + w
    return distance[:n_nodes]


def _plan(
    needs: list[Need],
    providers: list[Provider],
    days: dict[tuple[Id, Id], int],
    by_term: dict[tuple[Id, Id], dict[str, int]],
    start: float,
    n_arcs: int,
) -> Plan:
    need_by_id = {n.id: n for n in needs}
    prov_by_id = {p.id: p for p in providers}
    assignments = sorted(
        (Assignment(a, b, d) for (a, b), d in days.items() if d > 0),
        key=lambda x: (id_key(x.need_id), id_key(x.provider_id)),
    )
    met: dict[Id, int] = defaultdict(int)
    priority_days = 0
    total_fit = 0.0
    total_km = 0.0
    for a in assignments:
        need, provider = need_by_id[a.need_id], prov_by_id[a.provider_id]
        met[a.need_id] += a.days
        priority_days += need.priority * a.days
        total_fit += provider.fit(need.area) * a.days
        total_km += distance_m(need, provider) / 1000 * a.days
    unmet = {n.id: n.days - met[n.id] for n in needs if n.days > met[n.id]}
    return Plan(
        assignments=assignments,
        unmet=unmet,
        objective=Objective(priority_days, total_fit, total_km),
        solve_seconds=time.perf_counter() - start,
        arcs=n_arcs,
        by_term={
            (a.need_id, a.provider_id): {
                t: by_term[(a.need_id, a.provider_id)][t]
                for t in TERMS
                if by_term[(a.need_id, a.provider_id)].get(t)
            }
            for a in assignments
        },
    )


__all__ = ["Arcs", "greedy_plan", "lexicographic_flow", "optimal_plan"]
