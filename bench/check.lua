-- wrk script: GET /api/v1/access/check with an API key. Env: JG_KEY, JG_USER, JG_POOL.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("JG_KEY")
wrk.path = "/api/v1/access/check?userId=" .. os.getenv("JG_USER") .. "&agentPoolId=" .. os.getenv("JG_POOL")
  .. "&permission=USE"
