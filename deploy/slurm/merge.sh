#!/bin/bash
# The merge step of deploy/slurm/score-array.sh (sbatch --dependency=afterok:<array job id>): the scored
# Parquet file and, from the shards' share statistics, /data/out/shares.csv (--shares is optional here: by
# default merge writes the file the shards were given).
#SBATCH --job-name=classifier-score-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=01:00:00
#SBATCH --output=logs/merge-%j.out
set -euo pipefail
IMAGE=docker://registry.example.org/classifier/classifier-score:1
DATA=${DATA:-$PWD/data}
srun apptainer run --bind "$DATA:/data" "$IMAGE" merge --output /data/out/scored.parquet --shards 4 --shares /data/out/shares.csv
