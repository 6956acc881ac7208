"""The account boundary: guard runs as its own OS account, which alone holds what can change infrastructure.

- `deploy`: `planlint guard setup` — the account, its directories, the trust directory and the sudoers rule;
- `doctor`: `planlint doctor` — what the agent's account can still reach, one line each;
- `credentials.yaml`: the credential variables and files the doctor looks for (each with its source).
"""
