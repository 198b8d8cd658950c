//! User-agent families: the coarse tool behind a CloudTrail `userAgent` string ("aws-cli/2", "Boto3",
//! "console", "Terraform", …), so that a new patch version of a known tool is not a new behaviour.

/// The family of a CloudTrail `userAgent` value. Order matters: wrappers first (Terraform and the AWS CLI embed
/// SDK names), then SDKs, then generic HTTP clients. Families: "aws-cli/2", "aws-cli/1", "Boto3", "botocore",
/// "console", "Terraform", "SDK (Java)", "SDK (Go)", "SDK (JS)", "SDK (Rust)", "SDK (.NET)", "SDK (PHP)",
/// "SDK (Ruby)", "CloudFormation", "AWS service" (e.g. "ec2.amazonaws.com"), "AWS Internal", "python-requests",
/// "curl", "browser" (Mozilla/… outside the console), "other".
pub fn family(user_agent: &str) -> String {
    family_str(user_agent).to_string()
}

fn family_str(user_agent: &str) -> &'static str {
    // Console calls are logged with the agent list in brackets: "[S3Console/0.4, aws-internal/3 …]".
    let ua = user_agent.trim().trim_start_matches('[').trim_end_matches(']').trim();
    let lower = ua.to_ascii_lowercase();
    let has = |needle: &str| lower.contains(needle);
    let starts = |prefix: &str| lower.starts_with(prefix);

    if lower == "aws internal" {
        return "AWS Internal";
    }
    if is_service_name(&lower) {
        return if lower == "signin.amazonaws.com"
            || lower.starts_with("console.")
            || lower.ends_with(".console.amazonaws.com")
        {
            "console"
        } else if lower == "cloudformation.amazonaws.com" {
            "CloudFormation"
        } else {
            "AWS service"
        };
    }
    if has("console/") || starts("aws-console") || has("awsconsole") {
        return "console";
    }
    if starts("aws-internal/") {
        return "AWS Internal";
    }
    if let Some(rest) = lower.strip_prefix("aws-cli/") {
        return match rest.as_bytes().first() {
            Some(b'1') => "aws-cli/1",
            Some(b'2') => "aws-cli/2",
            _ => "other",
        };
    }
    if has("terraform/") || has("terraform-provider-aws") {
        return "Terraform";
    }
    if has("cloudformation") {
        return "CloudFormation";
    }
    if starts("boto3/") {
        return "Boto3";
    }
    if starts("botocore/") {
        return "botocore";
    }
    const SDKS: [(&str, &str); 8] = [
        ("aws-sdk-java", "SDK (Java)"),
        ("aws-sdk-go", "SDK (Go)"),
        ("aws-sdk-js", "SDK (JS)"),
        ("aws-sdk-nodejs", "SDK (JS)"),
        ("aws-sdk-rust", "SDK (Rust)"),
        ("aws-sdk-dotnet", "SDK (.NET)"),
        ("aws-sdk-php", "SDK (PHP)"),
        ("aws-sdk-ruby", "SDK (Ruby)"),
    ];
    // The earliest SDK token names the caller: later tokens are dependencies or `md/` metadata.
    if let Some((_, fam)) = SDKS
        .iter()
        .filter_map(|(needle, fam)| lower.find(needle).map(|i| (i, *fam)))
        .min_by_key(|(i, _)| *i)
    {
        return fam;
    }
    if has("rusoto/") {
        return "SDK (Rust)";
    }
    if starts("python-requests/") {
        return "python-requests";
    }
    if starts("curl/") {
        return "curl";
    }
    if starts("mozilla") {
        return "browser";
    }
    "other"
}

fn is_service_name(lower: &str) -> bool {
    (lower.ends_with(".amazonaws.com") || lower.ends_with(".amazonaws.com.cn"))
        && lower
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-')
}

#[cfg(test)]
mod tests {
    use super::family;

    /// Agents not in the shared real data (see tests/core/geo_realdata.rs for those), in shapes the SDKs document.
    #[test]
    fn synthetic_families() {
        for (ua, want) in [
            (
                "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off",
                "aws-cli/2",
            ),
            (
                "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12.1",
                "Boto3",
            ),
            ("Botocore/1.34.0 ua/2.0 os/linux#6.1 lang/python#3.12.1", "botocore"),
            (
                "aws-sdk-js/3.540.0 ua/2.0 os/linux#6.1 lang/js md/nodejs#20.11.1 api/s3#3.540.0",
                "SDK (JS)",
            ),
            (
                "aws-sdk-nodejs/2.1500.0 linux/v18.17.0 exec-env/AWS_Lambda_nodejs18.x",
                "SDK (JS)",
            ),
            ("aws-sdk-rust/1.3.0 os/linux lang/rust/1.94.1", "SDK (Rust)"),
            (
                "aws-sdk-dotnet-coreclr/3.7.300 aws-sdk-dotnet-core/3.7.300 .NET_Core/8.0",
                "SDK (.NET)",
            ),
            ("aws-sdk-php/3.300.0 OS/Linux/6.1 lang/php/8.2", "SDK (PHP)"),
            (
                "aws-sdk-ruby3/3.190.0 ua/2.0 api/s3#1.140.0 os/linux md/x86_64 lang/ruby#3.2.2",
                "SDK (Ruby)",
            ),
            (
                "aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/21 vendor/Amazon.com_Inc. io/sync",
                "SDK (Java)",
            ),
            ("curl/8.5.0", "curl"),
            ("python-requests/2.31.0", "python-requests"),
            ("AWS CloudFormation", "CloudFormation"),
            ("lambda.amazonaws.com", "AWS service"),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
                "browser",
            ),
            ("aws-cli/3.0.0", "other"),
            ("", "other"),
            ("\u{0}\u{1b}[2J", "other"),
            ("evil .amazonaws.com", "other"),
        ] {
            assert_eq!(family(ua), want, "{ua:?}");
        }
        let _ = family(&"aws-sdk-go/".repeat(100_000));
    }
}
