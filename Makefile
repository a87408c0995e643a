# 小水滴 — every command a developer needs. `make run` and `make test` set everything up themselves.
.PHONY: run test chat setup train seed validate bench lock rules clean

run:            ## start the assistant (action server + Rasa server) until Ctrl-C
	bash scripts/run.sh

test:           ## run every test (sets up and trains first when needed)
	bash scripts/test.sh

chat:           ## chat with the running assistant in this terminal
	.venv/bin/python -m mot.tools.chat

setup:          ## create .venv with the pinned requirements
	bash scripts/bootstrap.sh

train: setup    ## train the model if config, domain or data changed
	bash scripts/train.sh

seed: setup     ## create/upgrade the database and refresh the demo city data
	.venv/bin/python -m mot.storage.seed

validate: setup ## check the NLU data (counts, entity alignment, train/test leakage) and Rasa's validator
	.venv/bin/python -m mot.tools.check_nlu_data
	.venv/bin/rasa data validate --data data --domain domain.yml --config config.yml

bench: train    ## NLU report, turn latency, moment tagger, engine overhead (writes bench/out/)
	bash bench/run_all.sh

rules:          ## regenerate data/rules/forms.yml from mot/tools/form_rules.py
	.venv/bin/python -m mot.tools.form_rules

lock:           ## re-pin requirements.txt from requirements.in in a scratch venv
	bash scripts/lock.sh

clean:          ## remove the trained model, the local database and logs
	rm -rf models var results bench/out
