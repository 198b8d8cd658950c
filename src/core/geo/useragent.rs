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
    let ua = user_agent
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
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
