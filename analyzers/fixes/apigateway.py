"""stub"""
def register_outputs(workspace, finding): return None
def parent_self(workspace, finding): return None
def lambda_permission(workspace, finding): return None
def deployment_and_stage(workspace, finding): return None
def stage(workspace, finding): return None
def deployment_depends_on(workspace, finding): return None
def permission_source_arn(workspace, finding): return None
