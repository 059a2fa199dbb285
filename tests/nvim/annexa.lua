-- Drives annexa's language server from headless Neovim (0.10 or later) with the configuration
-- docs/editors.md shows, and writes what the editor saw as JSON for tests/neovim.rs to check.
--
--   ANNEXA=… ANNEXA_TODAY=… ANNEXA_REPO=… ANNEXA_REPORT=… nvim --headless --clean -u annexa.lua
--
-- ANNEXA_REPO is a copy of fixtures/example-org; nothing in it is written.

local annexa = os.getenv("ANNEXA")
local repo = os.getenv("ANNEXA_REPO")
local report_path = os.getenv("ANNEXA_REPORT")
local cmd = { annexa, "lsp", "--today", os.getenv("ANNEXA_TODAY") }
local report = { version = tostring(vim.version()), errors = {} }

local function finish()
  local f = assert(io.open(report_path, "w"))
  f:write(vim.json.encode(report))
  f:close()
  vim.cmd("qa!")
end

local function fail(message)
  table.insert(report.errors, message)
  finish()
end

-- The configuration of docs/editors.md, with the executable and date of the test.
if vim.fn.has("nvim-0.11") == 1 then
  report.config = "0.11"
  vim.lsp.config("annexa", {
    cmd = cmd,
    filetypes = { "yaml", "markdown" },
    root_markers = { "annexa.toml", ".git" },
  })
  vim.lsp.enable("annexa")
else
  report.config = "0.10"
  vim.api.nvim_create_autocmd("FileType", {
    pattern = { "yaml", "markdown" },
    callback = function(args)
      vim.lsp.start({
        name = "annexa",
        cmd = cmd,
        root_dir = vim.fs.root(args.buf, { "annexa.toml", ".git" }),
      })
    end,
  })
end

local function request(method, params)
  local replies = vim.lsp.buf_request_sync(0, method, params, 20000)
  for _, reply in pairs(replies or {}) do
    if reply.error then
      fail(method .. ": " .. vim.inspect(reply.error))
    end
    return reply.result
  end
  fail(method .. ": no reply")
end

local function at(line, character)
  return { textDocument = vim.lsp.util.make_text_document_params(0), position = { line = line, character = character } }
end

local function run()
  vim.cmd.edit(repo .. "/evidence/access.yaml")
  if not vim.wait(20000, function() return #vim.lsp.get_clients({ bufnr = 0, name = "annexa" }) > 0 end) then
    return fail("the annexa client did not attach")
  end
  local client = vim.lsp.get_clients({ bufnr = 0, name = "annexa" })[1]
  report.root = client.config.root_dir
  local caps = client.server_capabilities
  report.capabilities = {
    completion = caps.completionProvider ~= nil,
    code_action = caps.codeActionProvider ~= nil,
    symbols = caps.documentSymbolProvider == true,
    references = caps.referencesProvider == true,
  }

  -- A typo: the finding arrives as a diagnostic, with a quick fix.
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local typo
  for i, line in ipairs(lines) do
    if line:match("^kind: evidence") then
      typo = i
      vim.api.nvim_buf_set_lines(0, i - 1, i, false, { "kind: evidence", "titel: x" })
      break
    end
  end
  if not vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(0)) do
      if d.code == "SCH002" then return true end
    end
    return false
  end) then
    return fail("no SCH002 diagnostic after the typo")
  end
  report.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(report.diagnostics, { code = d.code, line = d.lnum })
  end
  local actions = request("textDocument/codeAction", {
    textDocument = vim.lsp.util.make_text_document_params(0),
    range = { start = { line = typo, character = 0 }, ["end"] = { line = typo, character = 5 } },
    context = { diagnostics = {} },
  })
  report.actions = {}
  for _, a in ipairs(actions or {}) do
    table.insert(report.actions, a.title)
  end
  vim.api.nvim_buf_set_lines(0, typo, typo + 1, false, {})

  -- Completion of control ids in `supports`.
  lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  for i, line in ipairs(lines) do
    local s = line:find("supports: %[")
    if s then
      local list = request("textDocument/completion", at(i - 1, s + #"supports: [" - 1))
      report.completion = {}
      for _, item in ipairs((list or {}).items or list or {}) do
        table.insert(report.completion, item.label)
      end
      break
    end
  end

  -- Document symbols and references of the first record's id.
  local symbols = request("textDocument/documentSymbol", { textDocument = vim.lsp.util.make_text_document_params(0) })
  report.symbols = {}
  for _, s in ipairs(symbols or {}) do
    table.insert(report.symbols, s.name)
  end
  for i, line in ipairs(lines) do
    local s = line:find("CTL%-ACCESS%-CONTROL")
    if s then
      local params = at(i - 1, s)
      params.context = { includeDeclaration = true }
      local refs = request("textDocument/references", params)
      report.references = {}
      for _, r in ipairs(refs or {}) do
        table.insert(report.references, vim.uri_to_fname(r.uri):sub(#repo + 2))
      end
      break
    end
  end
end

-- After startup, when filetype detection is on, as when a person opens the file.
vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    vim.schedule(function()
      local ok, err = pcall(run)
      if not ok then
        table.insert(report.errors, tostring(err))
      end
      finish()
    end)
  end,
})
