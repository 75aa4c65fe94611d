"""Settings of the test project: the database comes from the environment (run.sh sets it)."""
import os

SECRET_KEY = 'zhpolicy-test-only'
DEBUG = False
USE_TZ = True
INSTALLED_APPS = ['django.contrib.postgres', 'articles']
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': os.environ.get('ZP_CLIENT_DB', 'zp_app'),
        'USER': os.environ.get('ZP_CLIENT_USER', 'zp_app'),
        'HOST': os.environ.get('ZP_CLIENT_HOST', ''),
        'PORT': os.environ.get('ZP_CLIENT_PORT', ''),
    }
}
