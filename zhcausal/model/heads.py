"""GlobalPointer span-matrix heads and their loss (Su Jianlin's multilabel categorical cross-entropy)."""
from __future__ import annotations

import math

import torch
from torch import nn

NEG = -1e4  # finite "minus infinity": safe in bf16 and fp16


def rotary(x: torch.Tensor) -> torch.Tensor:
    """Rotary position embedding over the sequence axis of ``x`` (batch, length, heads, dim)."""
    _, length, _, dim = x.shape
    pos = torch.arange(length, dtype=torch.float32, device=x.device)[:, None]
    inv = torch.pow(10000.0, -torch.arange(0, dim, 2, dtype=torch.float32, device=x.device) / dim)
    ang = pos * inv  # (L, dim/2)
    sin = torch.sin(ang).repeat_interleave(2, -1)[None, :, None, :].to(x.dtype)
    cos = torch.cos(ang).repeat_interleave(2, -1)[None, :, None, :].to(x.dtype)
    x2 = torch.stack([-x[..., 1::2], x[..., ::2]], -1).reshape(x.shape)
    return x * cos + x2 * sin


class GlobalPointer(nn.Module):
    """Scores every (i, j) token pair for each of ``heads`` labels: logits (batch, heads, L, L)."""

    def __init__(self, hidden: int, heads: int, head_size: int, rope: bool = True, tril_mask: bool = True):
        super().__init__()
        self.heads, self.head_size, self.rope, self.tril_mask = heads, head_size, rope, tril_mask
        self.dense = nn.Linear(hidden, heads * head_size * 2)

    def forward(self, h: torch.Tensor, mask: torch.Tensor, max_width: int | None = None) -> torch.Tensor:
        b, length, _ = h.shape
        x = self.dense(h).view(b, length, self.heads, 2, self.head_size)
        q, k = x[..., 0, :], x[..., 1, :]
        if self.rope:
            q, k = rotary(q), rotary(k)
        logits = torch.einsum("bmhd,bnhd->bhmn", q, k) / math.sqrt(self.head_size)
        valid = mask[:, None, :, None].bool() & mask[:, None, None, :].bool()
        if self.tril_mask:
            idx = torch.arange(length, device=h.device)
            width = idx[None, :] - idx[:, None]  # j - i
            keep = width >= 0
            if max_width is not None:
                keep &= width < max_width
            valid = valid & keep[None, None]
        return logits.masked_fill(~valid, NEG)


def multilabel_ce(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Multilabel categorical cross-entropy over flattened (batch, heads, L*L) matrices."""
    b, h = logits.shape[:2]
    y_pred = logits.reshape(b * h, -1).float()
    y_true = targets.reshape(b * h, -1).float()
    y_pred = (1 - 2 * y_true) * y_pred
    y_neg = y_pred - y_true * 1e12
    y_pos = y_pred - (1 - y_true) * 1e12
    zeros = torch.zeros_like(y_pred[:, :1])
    neg = torch.logsumexp(torch.cat([y_neg, zeros], -1), -1)
    pos = torch.logsumexp(torch.cat([y_pos, zeros], -1), -1)
    return (neg + pos).mean()
