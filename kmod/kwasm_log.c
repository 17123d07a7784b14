// SPDX-License-Identifier: GPL-2.0
/*
 * Rate-limited kernel log lines for kwasm. The Rust printing macros have no
 * rate-limited form, and user space decides how often these lines happen.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>

void kwasm_warn_ratelimited(const char *msg, size_t len);

/* kwasm_warn_ratelimited() - print "kwasm: <msg>" at KERN_WARNING, rate limited. */
void kwasm_warn_ratelimited(const char *msg, size_t len)
{
	static DEFINE_RATELIMIT_STATE(kwasm_rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);

	if (__ratelimit(&kwasm_rs))
		pr_warn("kwasm: %.*s\n", (int)min_t(size_t, len, INT_MAX), msg);
}
