"""Allocation core: pure, deterministic, no Django (DESIGN.md; issue 4).

* `stream`: the secret HMAC-SHA256 random stream every sequence comes from;
* `stratum`: a participant's combination of factor levels and its key;
* `blocks`: stratified permuted blocks with randomly varying block sizes;
* `minimization`: Pocock-Simon minimization with weights and a biased coin;
* `decision`: the `AllocationDecision` record the Django layer stores;
* `canonical`, `commitment`: RFC 8785 canonical JSON and the SHA-256
  commitment to the parameters and pre-generated sequences.
"""
