-- wrk script: single-sentence POST /classify (see bench/api-load.sh for the service start).
-- wrk -t2 -c16 -d20s --latency -s bench/classify.lua http://127.0.0.1:5091/classify
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text": "Giving the police a way into encrypted messages would make everyone\'s phone less safe."}'
