"""Type tokens of the AWS resources the rules reason about (pulumi-aws 7.x)."""

# RDS
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
RDS_CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
RDS_OPTION_GROUP = "aws:rds/optionGroup:OptionGroup"
RDS_DATABASES = (RDS_INSTANCE, RDS_CLUSTER, RDS_CLUSTER_INSTANCE)

# API Gateway v1 (REST)
REST_API = "aws:apigateway/restApi:RestApi"
REST_RESOURCE = "aws:apigateway/resource:Resource"
REST_METHOD = "aws:apigateway/method:Method"
REST_INTEGRATION = "aws:apigateway/integration:Integration"
REST_DEPLOYMENT = "aws:apigateway/deployment:Deployment"
REST_STAGE = "aws:apigateway/stage:Stage"
REST_AUTHORIZER = "aws:apigateway/authorizer:Authorizer"

# API Gateway v2 (HTTP / WebSocket)
V2_API = "aws:apigatewayv2/api:Api"
V2_INTEGRATION = "aws:apigatewayv2/integration:Integration"
V2_ROUTE = "aws:apigatewayv2/route:Route"
V2_STAGE = "aws:apigatewayv2/stage:Stage"
V2_DEPLOYMENT = "aws:apigatewayv2/deployment:Deployment"
V2_AUTHORIZER = "aws:apigatewayv2/authorizer:Authorizer"

# Lambda
LAMBDA_FUNCTION = "aws:lambda/function:Function"
LAMBDA_ALIAS = "aws:lambda/alias:Alias"
LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
LAMBDA_FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
