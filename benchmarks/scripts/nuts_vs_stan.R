# The Stan half of the NUTS benchmark (run by nuts_vs_stan.sh after the Java half).
# Usage: Rscript nuts_vs_stan.R OUT_DIR SEEDS CHAINS CORES
# Runs rstan's NUTS (CmdStan defaults: 1000 warm-up, 1000 draws, diag_e, delta 0.8, max depth 10)
# on the data the Java half wrote, reads ratiofit's CmdStan-layout CSVs, and computes the ESS of
# both with the same estimator (rstan::ess_bulk / ess_tail) and the same time and gradient counts.
suppressMessages(library(rstan))
rstan_options(boost_lib = "/usr/include")
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "target/nuts-vs-stan"
seeds <- if (length(args) > 1) as.integer(args[2]) else 3L
chains <- if (length(args) > 2) as.integer(args[3]) else 4L
cores <- if (length(args) > 3) as.integer(args[4]) else 2L

mean100 <- as.numeric(read.csv(file.path(out, "gauss100_mean.csv"), header = FALSE))
prec100 <- as.matrix(read.csv(file.path(out, "gauss100_precision.csv"), header = FALSE))
dimnames(prec100) <- NULL
y <- as.numeric(read.csv(file.path(out, "normal2_y.csv"), header = FALSE))

code <- list(
  gauss100 = "data { int N; vector[N] m; matrix[N, N] P; } parameters { vector[N] x; }
              model { target += -0.5 * quad_form(P, x - m); }",
  normal2 = "data { int n; vector[n] y; } parameters { real mu; real<lower=0> sigma; }
             model { y ~ normal(mu, sigma); }")
data <- list(gauss100 = list(N = 100L, m = mean100, P = prec100), normal2 = list(n = length(y), y = y))

min_ess <- function(draws) {  # draws: iterations x chains x parameters
  np <- dim(draws)[3]
  c(bulk = min(sapply(seq_len(np), function(k) ess_bulk(draws[, , k]))),
    tail = min(sapply(seq_len(np), function(k) ess_tail(draws[, , k]))))
}

rows <- NULL
for (model in names(code)) {
  # compiled models are cached beside the output (compiling takes minutes), keyed by the code's hash
  cache_dir <- file.path(dirname(out), "stan-cache")
  dir.create(cache_dir, showWarnings = FALSE, recursive = TRUE)
  code_file <- file.path(cache_dir, paste0(model, ".stan"))
  writeLines(code[[model]], code_file)
  cache <- file.path(cache_dir, paste0(model, "-", tools::md5sum(code_file), ".rds"))
  if (file.exists(cache)) {
    sm <- readRDS(cache)
  } else {
    t0 <- Sys.time()
    sm <- stan_model(model_code = code[[model]], model_name = model)
    message(model, ": compiled in ", format(Sys.time() - t0))
    saveRDS(sm, cache)
  }
  for (s in seq_len(seeds)) {
    fit <- sampling(sm, data = data[[model]], chains = chains, cores = cores, seed = s, refresh = 0)
    draws <- as.array(fit)
    draws <- draws[, , dimnames(draws)$parameters != "lp__", drop = FALSE]
    e <- min_ess(draws)
    sp <- get_sampler_params(fit, inc_warmup = TRUE)
    nw <- fit@stan_args[[1]]$warmup
    grad_total <- sum(sapply(sp, function(m) sum(m[, "n_leapfrog__"])))
    grad_sampling <- sum(sapply(sp, function(m) sum(m[-seq_len(nw), "n_leapfrog__"])))
    el <- get_elapsed_time(fit)
    div <- sum(sapply(sp, function(m) sum(m[-seq_len(nw), "divergent__"])))
    rows <- rbind(rows, data.frame(tool = "stan", model = model, seed = s, ess_bulk = e[["bulk"]], ess_tail = e[["tail"]],
      chain_seconds = sum(el), sampling_seconds = sum(el[, "sample"]), gradients = grad_total,
      gradients_sampling = grad_sampling, divergent = div))
  }
}

# ratiofit's draws, read from its CmdStan-layout CSV files
runs <- read.csv(file.path(out, "java", "runs.csv"))
for (i in seq_len(nrow(runs))) {
  model <- runs$model[i]; s <- runs$seed[i]
  files <- file.path(out, "java", sprintf("%s_seed%d_%d.csv", model, s, seq_len(chains)))
  csv <- lapply(files, function(f) read.csv(f, comment.char = "#"))
  pars <- setdiff(names(csv[[1]]), c("lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__"))
  draws <- array(NA_real_, dim = c(nrow(csv[[1]]), chains, length(pars)))
  for (ch in seq_len(chains)) draws[, ch, ] <- as.matrix(csv[[ch]][, pars])
  e <- min_ess(draws)
  times <- sapply(files, function(f) {
    l <- readLines(f)
    as.numeric(sub(".*?([0-9.]+) seconds \\((Warm-up|Sampling)\\).*", "\\1", grep("seconds \\((Warm-up|Sampling)\\)", l, value = TRUE)))
  })
  div <- sum(sapply(csv, function(d) sum(d$divergent__)))
  rows <- rbind(rows, data.frame(tool = "ratiofit", model = model, seed = s, ess_bulk = e[["bulk"]], ess_tail = e[["tail"]],
    chain_seconds = sum(times), sampling_seconds = sum(times[2, ]), gradients = runs$gradients_total[i],
    gradients_sampling = runs$gradients_sampling[i], divergent = div))
}
rows$model[rows$model == "normal2_hipparchus"] <- "normal2 (Hipparchus Gradient)"
rows$model[rows$tool == "ratiofit" & rows$model == "normal2"] <- "normal2"
write.csv(rows, file.path(out, "all_runs.csv"), row.names = FALSE)

agg <- aggregate(cbind(ess_bulk, ess_tail, chain_seconds, gradients, gradients_sampling, divergent) ~ tool + model, rows, mean)
agg$ess_bulk_per_s <- agg$ess_bulk / agg$chain_seconds
agg$ess_bulk_per_1000_grad <- 1000 * agg$ess_bulk / agg$gradients
agg$ess_tail_per_1000_grad <- 1000 * agg$ess_tail / agg$gradients
agg <- agg[order(agg$model, agg$tool), ]
write.csv(agg, file.path(out, "summary.csv"), row.names = FALSE)
cat("\nMeans over", seeds, "seeds;", chains, "chains x 1000 draws; chain-seconds = warm-up + sampling summed over chains\n\n")
cat("| model | sampler | min bulk ESS | min tail ESS | gradients (all) | chain-seconds | bulk ESS / s | bulk ESS / 1000 grad | tail ESS / 1000 grad | divergent |\n")
cat("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
for (i in seq_len(nrow(agg))) {
  a <- agg[i, ]
  cat(sprintf("| %s | %s | %.0f | %.0f | %.0f | %.3f | %.0f | %.1f | %.1f | %.1f |\n", a$model, a$tool, a$ess_bulk, a$ess_tail,
              a$gradients, a$chain_seconds, a$ess_bulk_per_s, a$ess_bulk_per_1000_grad, a$ess_tail_per_1000_grad, a$divergent))
}
