import torch
import torch.nn as nn

ROWS = 65536
COLS = 65536
NNZ_PER_ROW = 16
STRUCTURE_SEED = 20240601


class Model(nn.Module):
    """CSR sparse matrix-vector product: out[r] = sum over k in [row_ptr[r], row_ptr[r+1]) of
    values[k] * x[col_idx[k]]."""

    def __init__(self):
        super().__init__()

    def forward(
        self, row_ptr: torch.Tensor, col_idx: torch.Tensor, values: torch.Tensor, x: torch.Tensor
    ) -> torch.Tensor:
        # the entries of row r are the segment [row_ptr[r], row_ptr[r + 1]) of the products
        return torch.segment_reduce(values * x[col_idx.long()], "sum", offsets=row_ptr.long())


def csr_structure(rows: int, cols: int, per_row: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A fixed, uneven structure with exactly rows * per_row entries: rows come in pairs of
    lengths per_row - d and per_row + d (d uniform in [0, per_row], so some rows are empty and some
    twice as long), shuffled; columns uniform, sorted within each row."""
    gen = torch.Generator().manual_seed(seed)
    half = rows // 2
    d = torch.randint(0, per_row + 1, (half,), generator=gen)
    lengths = torch.full((rows,), per_row, dtype=torch.int64)
    lengths[0 : 2 * half : 2] = per_row - d
    lengths[1 : 2 * half : 2] = per_row + d
    lengths = lengths[torch.randperm(rows, generator=gen)]
    row_ptr = torch.zeros(rows + 1, dtype=torch.int64)
    row_ptr[1:] = torch.cumsum(lengths, 0)
    row_of = torch.repeat_interleave(torch.arange(rows), lengths)
    col = torch.randint(0, cols, (rows * per_row,), generator=gen)
    key = torch.sort(row_of * cols + col).values
    return row_ptr.to(torch.int32), (key % cols).to(torch.int32)


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    row_ptr, col_idx = csr_structure(ROWS, COLS, NNZ_PER_ROW, STRUCTURE_SEED)
    return [row_ptr, col_idx, torch.randn(col_idx.shape[0]), torch.randn(COLS)]
