"""Signed, single-use approvals that work outside GitHub.

- `record`: what an approval binds (digest, plan hash in strict mode, scope, approver, requester, expiry,
  nonce) and its canonical bytes;
- `sshsig`: `ssh-keygen -Y sign` / `-Y verify` / `-Y find-principals`, the mechanism git uses for commits;
- `policy`: the trusted policy (allowed signers, ledger) and why it must live outside the agent's tree;
- `ledger`: the single-use ledger, consumed atomically;
- `verify`: every check, each refusal with its reason.
"""
