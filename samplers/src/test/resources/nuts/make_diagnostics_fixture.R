# Generates diagnostics_draws.csv (test chains, one column per chain) and diagnostics_reference.csv (rstan's Rhat, ess_bulk, ess_tail of each case)
# Run once: Rscript make_diagnostics_fixture.R  (needs r-cran-rstan; not part of the test run)
suppressMessages(library(rstan))
set.seed(20241123)
n <- 250; m <- 4
ar1 <- function(rho, shift = 0, scale = 1) {
  x <- numeric(n); x[1] <- rnorm(1) / sqrt(1 - rho^2)
  for (i in 2:n) x[i] <- rho * x[i - 1] + rnorm(1)
  shift + scale * x
}
cases <- list(
  iid = sapply(1:m, function(c) rnorm(n)),
  ar07 = sapply(1:m, function(c) ar1(0.7)),
  antithetic = sapply(1:m, function(c) ar1(-0.4)),
  shifted = sapply(1:m, function(c) ar1(0.3, shift = c * 0.3)),
  scaled = sapply(1:m, function(c) ar1(0.2, scale = c)),
  cauchy = sapply(1:m, function(c) rcauchy(n))
)
# the draws are rounded before the reference values are computed, so the fixture is exact
cases <- lapply(cases, function(x) signif(x, 7))
draws <- do.call(cbind, cases)
colnames(draws) <- paste(rep(names(cases), each = m), rep(1:m, length(cases)), sep = ".")
write.csv(draws, "diagnostics_draws.csv", row.names = FALSE, quote = FALSE)
ref <- t(sapply(cases, function(x) c(rhat = Rhat(x), ess_bulk = ess_bulk(x), ess_tail = ess_tail(x))))
write.csv(format(data.frame(case = names(cases), ref), digits = 17), "diagnostics_reference.csv", row.names = FALSE, quote = FALSE)
