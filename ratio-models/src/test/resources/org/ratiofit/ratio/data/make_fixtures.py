"""Writes the small event-file fixtures read by EventFixturesTest.

Run once with the Debian python (numpy and h5py): /usr/bin/python3 make_fixtures.py
Every column follows a formula of the row index i, which the Java test recomputes:
  x = 0.25 * i - 3        (float64)
  y = float32(i / 7)      (float32)
  n = i % 5 - 2           (int32)
  w = 1 + i / 100         (float64)
"""
import numpy as np
import h5py

N = 37
i = np.arange(N)
x = 0.25 * i - 3.0
y = (i / 7.0).astype(np.float32)
n = (i % 5 - 2).astype(np.int32)
w = 1.0 + i / 100.0

# HDF5, compound dataset (a structured array saved with h5py).
rec = np.zeros(N, dtype=[("x", "<f8"), ("y", "<f4"), ("n", "<i4"), ("w", "<f8")])
rec["x"], rec["y"], rec["n"], rec["w"] = x, y, n, w
with h5py.File("compound.h5", "w") as f:
    f.create_dataset("events", data=rec)

# HDF5, a group of column datasets: chunked + gzip, float32, int32, plus children that are not columns.
with h5py.File("group_chunked.h5", "w") as f:
    g = f.create_group("events")
    g.create_dataset("x", data=x, chunks=(8,), compression="gzip")
    g.create_dataset("y", data=y)
    g.create_dataset("n", data=n, chunks=(5,))
    g.create_dataset("w", data=w)
    g.create_dataset("label", data=np.bytes_("not a column"))
    f.create_dataset("matrix", data=np.stack([x, w, n.astype(np.float64)], axis=1), chunks=(10, 3))

# NumPy structured array with aligned padding (4 bytes after n) and a big-endian member.
dt = np.dtype([("n", "<i4"), ("x", "<f8"), ("y", "<f4"), ("w", ">f8")], align=True)
s = np.zeros(N, dtype=dt)
s["n"], s["x"], s["y"], s["w"] = n, x, y, w
np.save("structured.npy", s)

# 2-D float32 array in Fortran order, column names in the side file.
m = np.asfortranarray(np.stack([x, y, w], axis=1).astype(np.float32))
np.save("matrix_f32.npy", m)
with open("matrix_f32.columns.txt", "w") as fh:
    fh.write("x\ny\nw\n")

# Compressed .npz, one array per column, int64 for n.
np.savez_compressed("columns.npz", x=x, n=n.astype(np.int64), w=w)
