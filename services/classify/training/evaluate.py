"""`caresignal evaluate`: k-fold cross-validation report written as MODEL_CARD.md beside the model.

Reuses the out-of-fold scores saved by `caresignal train` (model_dir/training/oof.json) when they were
made from the same data; `--recompute` refits the fold models instead.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from services.classify.training.report import CvResult, write_model_card
from services.classify.training.train import (
    OOF_FILE,
    TrainOptions,
    collect_oof,
    cv_jobs,
    data_fingerprint,
    run_jobs,
)


def evaluate_model(
    model_dir: Path,
    data_dir: Path,
    *,
    n_folds: int = 4,
    workers: int = 2,
    seed: int = 13,
    recompute: bool = False,
) -> tuple[Path, CvResult]:
    model_dir = Path(model_dir)
    oof_path = model_dir / "training" / OOF_FILE
    meta = json.loads((model_dir / "meta.json").read_text()) if (model_dir / "meta.json").is_file() else {}
    same_data = meta.get("caresignal", {}).get("data_sha256") == data_fingerprint(data_dir)
    if oof_path.is_file() and same_data and not recompute:
        oof = json.loads(oof_path.read_text())
    else:
        seed = int(meta.get("caresignal", {}).get("seed", seed))
        options = TrainOptions(
            data_dir=Path(data_dir), output=model_dir, n_folds=n_folds, workers=workers, seed=seed
        )
        work = model_dir.parent / f".{model_dir.name}-cv"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            oof = collect_oof(run_jobs(cv_jobs(options, work), workers), n_folds)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        oof_path.parent.mkdir(parents=True, exist_ok=True)
        oof_path.write_text(json.dumps(oof))
    return write_model_card(model_dir, oof, data_dir)
