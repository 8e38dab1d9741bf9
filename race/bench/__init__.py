"""Benchmarks, run by ``race bench``: ratios measured in one run, never timed tests.

- ``benchmark``: our renderer against the naive matplotlib route on the same frames
  (``race.bench.compare``, the routes in ``race.bench.naive``), with where one of our frames
  goes (``race.bench.frames``) and the H.264 settings' trade (``race.bench.encoders``);
- ``engine_benchmark``: the simulation alone (``race.bench.engine``);
- ``limits_benchmark``: time and peak memory of scenes at the documented limits
  (``race.bench.limits``).
"""

from race.bench.compare import bench_scene, benchmark
from race.bench.engine import engine_benchmark
from race.bench.frames import FrameCosts, frame_costs
from race.bench.limits import limits_benchmark
from race.bench.naive import NAIVE_ROUTES, naive_contour, naive_surface3d

__all__ = ["FrameCosts", "NAIVE_ROUTES", "bench_scene", "benchmark", "engine_benchmark",
           "frame_costs", "limits_benchmark", "naive_contour", "naive_surface3d"]
