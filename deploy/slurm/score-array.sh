#!/bin/bash
# Slurm job array: one task per shard (the array size must equal --shards; the program checks
# SLURM_ARRAY_TASK_COUNT), then the merge as a job that starts when every task succeeded:
#   jid=$(sbatch --parsable deploy/slurm/score-array.sh)
#   sbatch --dependency=afterok:$jid deploy/slurm/merge.sh
# Runs the container image through Apptainer (most university clusters); with a .NET runtime on the
# nodes, call `dotnet classifier-score.dll` from a publish folder instead.
#SBATCH --job-name=classifier-score
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --output=logs/score-%A_%a.out
set -euo pipefail
IMAGE=docker://registry.example.org/classifier/classifier-score:1
DATA=${DATA:-$PWD/data}
echo "shard ${SLURM_ARRAY_TASK_ID} of ${SLURM_ARRAY_TASK_COUNT} on $(hostname)"
# A requeued task whose manifest matches skips its shard. With --shares each task saves its shard's share
# statistics beside its part; the merge writes the shares file.
srun apptainer run --bind "$DATA:/data" "$IMAGE" \
  --model /app/models/stance.zip --input /data/corpus.parquet --output /data/out/scored.parquet --shares /data/out/shares.csv --shards 4 --quiet
