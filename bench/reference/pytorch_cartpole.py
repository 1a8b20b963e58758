#!/usr/bin/env python3
"""PyTorch reference workload of rewardcast's throughput benchmark.

This is the reference side of ``npm run bench``: the same training loop as
``bench/workload.ts``, written the way a PyTorch + Gymnasium user would write it,
so that rewardcast's env steps per second can be compared with it on the same
machine. ``bench/reference.ts`` runs it and parses its output.

Workload (mirrors ``bench/workload.ts``):

- CartPole-v1, N sub-envs stepped together. The dynamics are a NumPy
  re-implementation of Gymnasium's vectorised CartPole-v1
  (``gymnasium.envs.classic_control.cartpole.CartPoleVectorEnv``), because
  Gymnasium itself is not installable here: the state is one float64 array of
  shape (4, N); gravity 9.8, masscart 1.0, masspole 0.1, length 0.5 (half the
  pole), force_mag 10.0, tau 0.02, Euler integration; termination when
  |x| > 2.4 or |theta| > 12 * 2 * pi / 360 rad; reward 1 per step; truncation
  on the 500th step of an episode. Finished sub-envs are reset in the same
  step, with start states uniform in [-0.05, 0.05] drawn from one shared NumPy
  Generator. (Gymnasium's own vector env resets on the *next* step call and
  returns a dummy transition there; same-step autoreset is what rewardcast's
  workload uses, so that every update sees exactly 32 x N real transitions.)
- Inputs: rewardcast's ``InputEncoder`` (``agents/inputs.ts``): x and theta
  scaled from the observation box to [-1, 1]; the two velocities normalised by
  running mean and std (std floored at 1e-2) and clipped to [-5, 5].
  ``--raw-obs`` feeds the raw observations instead.
- Policy: Linear(4, 64) -> p = sigmoid -> h = 1[u < p] (64 stochastic binary
  units, u from ``torch.rand``) -> Linear(64, 1) -> sigmoid -> Bernoulli
  action. Glorot-uniform weights and zero biases, as rewardcast initialises.
- Estimator ``reinforce-optimal`` (Bengio, Leonard & Courville 2013, Eq. 7):
  each unit i (hidden and output) gets g_i = (h_i - p_i)(R - L_i) w.r.t. its
  pre-activation, chained locally to its own weights (dW = g^T x / M,
  db = mean g), with L_i = num_i / den_i, running averages (decay 0.9, both
  starting at 1e-6) of the batch means of (h_i - p_i)^2 R and (h_i - p_i)^2,
  updated after the batch has used them (``src/estimators/reinforce-optimal.ts``).
  The estimate is set as ``-grad`` and ``torch.optim.Adam(lr=0.01)`` steps
  (eps 1e-7, tfjs's default), i.e. gradient ascent on the return.
- Credit: rollout segments of 32 steps per sub-env, one update per segment of
  32 x N transitions. R is the discounted reward-to-go (gamma 0.99) within the
  segment, cut to 0 after every episode end (termination or truncation) and
  after the segment's last step (``segmentReturns`` in ``agents/rollout.ts``,
  without a critic).

Timing: per N, a fresh env and policy; --warmup seconds of the loop, then at
least --seconds of whole-loop steps (acting, env step, update). One JSON line
per N on stdout::

    {"numEnvs": N, "stepsPerSecond": ..., "seconds": ..., "envSteps": ...,
     "torch": "...", "threads": T}

and nothing else (diagnostics go to stderr).

Threads: PyTorch's ops here are too small to gain from a second thread (on an
idle 2-core machine --threads 1 and 2 time the same), but with another process
busy on the other core, --threads 2 can run 3-4x slower (the intra-op pool
waits for a descheduled thread). Measure on a quiet machine.

Run::

    /usr/bin/python3 bench/reference/pytorch_cartpole.py --n 1,16,64,256 --seconds 2 --threads 2
    /usr/bin/python3 bench/reference/pytorch_cartpole.py --check-learning   # learning sanity check
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn

# ---- CartPole-v1, vectorised (NumPy re-implementation of Gymnasium's CartPoleVectorEnv) ----

GRAVITY = 9.8
MASSCART = 1.0
MASSPOLE = 0.1
TOTAL_MASS = MASSPOLE + MASSCART
LENGTH = 0.5  # half the pole's length
POLEMASS_LENGTH = MASSPOLE * LENGTH
FORCE_MAG = 10.0
TAU = 0.02
THETA_THRESHOLD = 12 * 2 * math.pi / 360
X_THRESHOLD = 2.4
MAX_EPISODE_STEPS = 500
RESET_LOW, RESET_HIGH = -0.05, 0.05
# The observation box's bounds (float32, as Gymnasium builds them); velocities unbounded.
OBS_HIGH = np.array([X_THRESHOLD * 2, np.inf, THETA_THRESHOLD * 2, np.inf], dtype=np.float32)


class CartPoleVectorEnv:
    """N CartPole-v1 sub-envs on one (4, N) float64 state, with same-step autoreset."""

    def __init__(self, num_envs: int, rng: np.random.Generator) -> None:
        self.num_envs = num_envs
        self.rng = rng
        self.state = np.zeros((4, num_envs))
        self.steps = np.zeros(num_envs, dtype=np.int32)

    def reset(self) -> np.ndarray:
        self.state = self.rng.uniform(RESET_LOW, RESET_HIGH, size=(4, self.num_envs))
        self.steps[:] = 0
        return self.state.T.astype(np.float32)

    def step(self, action: np.ndarray):
        x, x_dot, theta, theta_dot = self.state
        force = np.sign(action - 0.5) * FORCE_MAG
        costheta = np.cos(theta)
        sintheta = np.sin(theta)
        temp = (force + POLEMASS_LENGTH * np.square(theta_dot) * sintheta) / TOTAL_MASS
        thetaacc = (GRAVITY * sintheta - costheta * temp) / (
            LENGTH * (4.0 / 3.0 - MASSPOLE * np.square(costheta) / TOTAL_MASS)
        )
        xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS
        # Euler
        x = x + TAU * x_dot
        x_dot = x_dot + TAU * xacc
        theta = theta + TAU * theta_dot
        theta_dot = theta_dot + TAU * thetaacc
        self.state = np.stack((x, x_dot, theta, theta_dot))

        terminated = (x < -X_THRESHOLD) | (x > X_THRESHOLD) | (theta < -THETA_THRESHOLD) | (theta > THETA_THRESHOLD)
        self.steps += 1
        truncated = self.steps >= MAX_EPISODE_STEPS
        reward = np.ones(self.num_envs, dtype=np.float32)
        done = terminated | truncated
        info = {}
        if done.any():
            info["final_observation"] = self.state[:, done].T.astype(np.float32)
            self.state[:, done] = self.rng.uniform(RESET_LOW, RESET_HIGH, size=(4, int(done.sum())))
            self.steps[done] = 0
        return self.state.T.astype(np.float32), reward, terminated, truncated, info


# ---- input encoding (agents/inputs.ts) ----


class InputEncoder:
    """Bounded dims scaled to [-1, 1]; unbounded ones running-normalised and clipped to [-5, 5]."""

    def __init__(self, raw: bool) -> None:
        self.raw = raw
        high = OBS_HIGH.astype(np.float64)
        self.bounded = np.isfinite(high)
        self.scale = np.where(self.bounded, 1.0 / np.where(self.bounded, high, 1.0), 1.0)
        self.count = 0
        self.mean = np.zeros(4)
        self.m2 = np.zeros(4)

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        if self.raw:
            return obs
        # Batched Welford (Chan et al.): the same statistics as folding the rows in one by one.
        n = obs.shape[0]
        batch_mean = obs.mean(axis=0, dtype=np.float64)
        batch_m2 = np.square(obs - batch_mean).sum(axis=0)
        delta = batch_mean - self.mean
        total = self.count + n
        self.mean = self.mean + delta * (n / total)
        self.m2 = self.m2 + batch_m2 + np.square(delta) * (self.count * n / total)
        self.count = total
        std = np.maximum(np.sqrt(self.m2 / (self.count - 1)), 1e-2) if self.count > 1 else np.ones(4)
        normed = np.minimum(np.maximum((obs - self.mean) / std, -5.0), 5.0)
        return np.where(self.bounded, obs * self.scale, normed).astype(np.float32)


# ---- policy and estimator ----


class OptimalBaseline:
    """Eq. 7's per-unit running ratio num / den (decay c, both starting at 1e-6)."""

    def __init__(self, units: int, decay: float = 0.9) -> None:
        self.decay = decay
        self.num = torch.full((units,), 1e-6, dtype=torch.float64)
        self.den = torch.full((units,), 1e-6, dtype=torch.float64)

    def value(self) -> torch.Tensor:
        return (self.num / self.den).float()

    def update(self, e2: torch.Tensor, e2_signal: torch.Tensor) -> None:
        c = self.decay
        self.num = c * self.num + (1 - c) * e2_signal.double()
        self.den = c * self.den + (1 - c) * e2.double()


class Agent:
    def __init__(self, num_envs: int, args: argparse.Namespace) -> None:
        self.hidden = nn.Linear(4, args.hidden)
        self.out = nn.Linear(args.hidden, 1)
        for layer in (self.hidden, self.out):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
        self.layers = [self.hidden, self.out]
        self.baselines = [OptimalBaseline(args.hidden), OptimalBaseline(1)]
        self.opt = torch.optim.Adam([p for l in self.layers for p in l.parameters()], lr=args.lr, eps=1e-7)
        self.encoder = InputEncoder(args.raw_obs)
        self.gamma = args.gamma
        T, N, H = args.rollout, num_envs, args.hidden
        self.T, self.N = T, N
        # Rollout storage, step-major.
        self.x = torch.zeros(T, N, 4)
        self.p1 = torch.zeros(T, N, H)
        self.h1 = torch.zeros(T, N, H)
        self.p2 = torch.zeros(T, N, 1)
        self.h2 = torch.zeros(T, N, 1)
        self.rewards = np.zeros((T, N), dtype=np.float32)
        self.dones = np.zeros((T, N), dtype=bool)
        self.t = 0
        self.updates = 0

    @torch.no_grad()
    def act(self, obs: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(self.encoder(obs))
        p1 = torch.sigmoid(self.hidden(x))
        h1 = (torch.rand_like(p1) < p1).float()
        p2 = torch.sigmoid(self.out(h1))
        h2 = (torch.rand_like(p2) < p2).float()
        t = self.t
        self.x[t] = x
        self.p1[t] = p1
        self.h1[t] = h1
        self.p2[t] = p2
        self.h2[t] = h2
        return h2[:, 0].numpy().astype(np.int64)

    def observe(self, reward: np.ndarray, terminated: np.ndarray, truncated: np.ndarray) -> None:
        self.rewards[self.t] = reward
        self.dones[self.t] = terminated | truncated
        self.t += 1
        if self.t == self.T:
            self.update()
            self.t = 0

    def returns(self) -> np.ndarray:
        """Reward-to-go within the segment; an episode end (or the segment's end) cuts it to 0."""
        out = np.empty((self.T, self.N), dtype=np.float32)
        carry = np.zeros(self.N, dtype=np.float32)
        for t in range(self.T - 1, -1, -1):
            carry = self.rewards[t] + self.gamma * np.where(self.dones[t], 0.0, carry)
            out[t] = carry
        return out

    @torch.no_grad()
    def update(self) -> None:
        M = self.T * self.N
        G = torch.from_numpy(self.returns()).reshape(M, 1)
        inputs = [self.x.reshape(M, -1), self.h1.reshape(M, -1)]
        samples = [(self.h1.reshape(M, -1), self.p1.reshape(M, -1)), (self.h2.reshape(M, -1), self.p2.reshape(M, -1))]
        for layer, baseline, x, (h, p) in zip(self.layers, self.baselines, inputs, samples):
            e = h - p
            g = e * (G - baseline.value())  # d/da of the unit's REINFORCE estimate, M x units
            layer.weight.grad = -(g.t() @ x) / M  # ascent: minimise the negative
            layer.bias.grad = -g.mean(0)
            e2 = e * e
            baseline.update(e2.mean(0), (e2 * G).mean(0))
        self.opt.step()
        self.updates += 1


# ---- the loop ----


def run(num_envs: int, args: argparse.Namespace, seconds: float, warmup: float, min_steps: int = 0, on_episode=None) -> dict:
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    env = CartPoleVectorEnv(num_envs, rng)
    agent = Agent(num_envs, args)
    obs = env.reset()
    lengths = np.zeros(num_envs, dtype=np.int64)

    def loop(limit: float, min_env_steps: int):
        nonlocal obs
        steps = 0
        t0 = time.perf_counter()
        now = t0
        while now - t0 < limit or steps < min_env_steps:
            action = agent.act(obs)
            obs, reward, terminated, truncated, _ = env.step(action)
            agent.observe(reward, terminated, truncated)
            if on_episode is not None:
                lengths[:] += 1
                done = terminated | truncated
                if done.any():
                    on_episode(lengths[done].copy(), steps)
                    lengths[done] = 0
            steps += num_envs
            now = time.perf_counter()
        return steps, now - t0

    loop(warmup, 0)
    updates_before = agent.updates
    steps, elapsed = loop(seconds, min_steps)
    return {
        "numEnvs": num_envs,
        "stepsPerSecond": steps / elapsed,
        "seconds": elapsed,
        "envSteps": steps,
        "updates": agent.updates - updates_before,
    }


def check_learning(args: argparse.Namespace) -> None:
    n = 16
    lengths: list[int] = []
    marks: list[tuple[int, float]] = []

    def on_episode(ls: np.ndarray, steps: int) -> None:
        lengths.extend(int(v) for v in ls)

    t0 = time.perf_counter()
    r = run(n, args, seconds=0.0, warmup=0.0, min_steps=args.check_steps, on_episode=on_episode)
    elapsed = time.perf_counter() - t0
    k = 100
    first = lengths[:k]
    last = lengths[-k:]
    for i in range(0, len(lengths), max(1, len(lengths) // 10)):
        chunk = lengths[i : i + k]
        marks.append((i, sum(chunk) / len(chunk)))
    print(
        f"check-learning: N={n}, {r['envSteps']} env steps, {r['updates']} updates, {len(lengths)} episodes in {elapsed:.1f} s",
        file=sys.stderr,
    )
    print("  mean length of 100 episodes from episode k: " + ", ".join(f"k={i}: {m:.1f}" for i, m in marks), file=sys.stderr)
    print(
        f"  first {len(first)} episodes: mean length {sum(first) / max(1, len(first)):.1f}; "
        f"last {len(last)} episodes: mean length {sum(last) / max(1, len(last)):.1f} (random policy: ~22)",
        file=sys.stderr,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", default="1,16,64,256", help="comma-separated numbers of sub-envs (default 1,16,64,256)")
    ap.add_argument("--seconds", type=float, default=2.0, help="timed seconds per N (default 2)")
    ap.add_argument("--warmup", type=float, default=0.5, help="warm-up seconds per N (default 0.5)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--seed", type=int, default=1, help="seed of torch and of the env's Generator (default 1)")
    ap.add_argument("--hidden", type=int, default=64, help=argparse.SUPPRESS)
    ap.add_argument("--rollout", type=int, default=32, help=argparse.SUPPRESS)
    ap.add_argument("--gamma", type=float, default=0.99, help=argparse.SUPPRESS)
    ap.add_argument("--lr", type=float, default=0.01, help=argparse.SUPPRESS)
    ap.add_argument("--raw-obs", action="store_true", help="feed raw observations (no input encoding)")
    ap.add_argument("--check-learning", action="store_true", help="train N=16 for --check-steps steps; report episode lengths on stderr")
    ap.add_argument("--check-steps", type=int, default=100_000, help="env steps of --check-learning (default 100000)")
    args = ap.parse_args()

    try:
        ns = [int(v) for v in args.n.split(",") if v.strip()]
    except ValueError:
        ap.error(f"--n must be a comma-separated list of integers, got {args.n!r}")
    if not ns or any(n <= 0 for n in ns):
        ap.error(f"--n must list positive integers, got {args.n!r}")
    if not (args.seconds >= 0 and args.warmup >= 0):
        ap.error("--seconds and --warmup must be >= 0")
    if args.threads <= 0:
        ap.error(f"--threads must be >= 1, got {args.threads}")

    torch.set_num_threads(args.threads)
    if args.check_learning:
        check_learning(args)
        return
    for n in ns:
        r = run(n, args, args.seconds, args.warmup)
        print(f"N={n}: {r['stepsPerSecond']:.0f} steps/s, {r['updates']} updates in {r['seconds']:.2f} s", file=sys.stderr)
        out = {
            "numEnvs": n,
            "stepsPerSecond": r["stepsPerSecond"],
            "seconds": r["seconds"],
            "envSteps": r["envSteps"],
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
        }
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
