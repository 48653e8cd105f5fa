#!/bin/bash
# AWS Batch array job (each child gets AWS_BATCH_JOB_ARRAY_INDEX, read with --shards 4), then the merge,
# which depends on the whole array (it starts when every child succeeded) and writes the scored file and
# the shares (/data/out/shares.csv, from the shards' share statistics).
set -euo pipefail
cd "$(dirname "$0")"
aws batch register-job-definition --cli-input-json file://job-definition.json
array=$(aws batch submit-job --cli-input-json file://submit-array.json --query jobId --output text)
sed "s/ARRAY_JOB_ID/$array/" submit-merge.json > /tmp/submit-merge.json
aws batch submit-job --cli-input-json file:///tmp/submit-merge.json
