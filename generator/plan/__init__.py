"""Stage 4, plan: decide every file the build will write, what each one reads, and its key.

`outputs.plan_site` / `plan_build` make the plan; `publication` decides what is public;
`keys` gives each output the digest of everything it is made from; `state` is the
publication state a site is built for, which the next build compares. Kept empty so that
a no-change build can read `state` without loading the record models.
"""
